import { randomInt } from 'node:crypto';
import { createLogger } from '../log.js';
import { decodeFrame } from '../protocol/index.js';
import { ALL_HOSTS, HEADER_SIZE, KEY } from '../protocol/types.js';
import { fahrenheitToCelsius, inHgToKpa } from './atmosphere.js';
import { createDynoSim, type DynoSim, type SimFrame } from './dyno-sim.js';
import {
  DEFAULT_PROFILE_ID,
  ENGINE_PROFILES,
  getEngineProfile,
  PROFILE_IDS,
  profileSummary,
} from './engine-profiles.js';
import {
  createFaultInjector,
  type FaultInjector,
  type FaultStats,
  type SimFaults,
  validateFaults,
} from './fault-injector.js';
import { createPrng } from './prng.js';
import { createProviderNode, type OutgoingDatagram, type ProviderNode } from './provider-node.js';
import { DYNO_CHANNELS, DYNO_PROVIDER_NAME, PROBE_CHANNELS, PROBE_PROVIDER_NAME } from './sim-channels.js';
import { openSimSocket, type SimSocket } from './sim-socket.js';
import type {
  EngineProfileId,
  ProfileSummary,
  PullResult,
  SimStartOptions,
  SimStatus,
  SimulatedDynoController,
} from './types.js';
import { createScenarioVeTable } from './ve-scenario.js';
import { createAfrTargetTable, createBaselineVeTable } from '../tuning/ve-grid.js';
import { createVirtualEcu, type VirtualEcu } from './virtual-ecu.js';

const log = createLogger('sim');

export interface SimulatedDynoOptions {
  /** Multicast group. Default 224.0.2.10. */
  group?: string;
  /** UDP port. Default 22344. */
  port?: number;
  /** Interface to join on and send from. Default 127.0.0.1. */
  iface?: string;
  /** Must be true to send on anything but loopback. */
  allowNonLoopback?: boolean;
  /** Dyno ChannelValues datagrams per second (all channels in each). Default 50. */
  rateHz?: number;
  /** Atmospheric probe datagrams per second. Default 10. */
  probeRateHz?: number;
  /** ChannelInfo repeat period, ms. Default 30000 (spec). */
  infoIntervalMs?: number;
  /** Maximum value bytes per datagram. Default 1400. */
  mtu?: number;
  /** Noise seed; default random. Host ids are always random. */
  seed?: number;
  profile?: EngineProfileId;
  /** Start pulls by itself (demo mode). Default true. */
  autoPull?: boolean;
  autoPullIntervalS?: number;
  faults?: SimFaults;
}

export const DEFAULT_SIMULATED_DYNO_OPTIONS = Object.freeze({
  group: '224.0.2.10',
  port: 22344,
  iface: '127.0.0.1',
  allowNonLoopback: false,
  rateHz: 50,
  probeRateHz: 10,
  infoIntervalMs: 30_000,
  mtu: 1400,
  profile: DEFAULT_PROFILE_ID,
  autoPull: true,
  autoPullIntervalS: 15,
  /** After a stall of the event loop, up to this much of missed ticks is sent at once; older ones are skipped (counted). */
  maxCatchUpMs: 250,
  /** Frames kept of the current/last pull (90 s at 50 Hz fits); more are dropped and counted. */
  maxPullFrames: 5000,
});

/** The current or last pull, like the older GET /simulator/pull-data. */
export interface PullData {
  pull: number;
  /** True while the pull is still running. */
  running: boolean;
  frames: readonly SimFrame[];
  /** Frames not kept because maxPullFrames was reached. */
  droppedFrames: number;
  peakHp: number;
  hpPeakRpm: number;
  peakTq: number;
  tqPeakRpm: number;
}

export interface SimulatedDynoStats {
  ticks: number;
  /** Ticks skipped because the event loop fell more than maxCatchUpMs behind. */
  skippedTicks: number;
  malformedIn: number;
  pingsAnswered: number;
  infoRequestsAnswered: number;
  sendErrors: number;
  faults: FaultStats;
}

/** The controller plus what tests and demos use to exercise the hub. */
export interface SimulatedDyno extends SimulatedDynoController {
  /** A pull at part throttle (tuning pulls run at 20/40/60/80/100 %). */
  pullAt(tps: number): PullResult;
  setFaults(faults: SimFaults): void;
  renameChannel(provider: 'dyno' | 'probe', channelId: number, name: string): void;
  /** Restart a provider with a new host id (ClearChannelInfo from the old one, ChannelInfo from the new). */
  restartProvider(provider?: 'dyno' | 'probe'): void;
  /** The bound port (useful with port 0). */
  readonly port: number | null;
  /** Frames and peaks of the current or last pull; null before the first pull. */
  pullData(): PullData | null;
  /** The running model, for tests and the tuning helpers; null when stopped. */
  readonly model: DynoSim | null;
  stats(): SimulatedDynoStats;
}

interface Running {
  sim: DynoSim;
  socket: SimSocket;
  dyno: ProviderNode;
  probe: ProviderNode;
  injector: FaultInjector;
  timers: (() => void)[];
  startedAt: number;
  ticks: number;
  skippedTicks: number;
  malformedIn: number;
}

function buildEcu(v: SimStartOptions['virtualEcu'], seed: number): VirtualEcu | undefined {
  if (!v?.enabled) return undefined;
  const scenario = v.scenario ?? 'lean';
  const table = createScenarioVeTable({ scenario, errorPct: v.veErrorPct, errorStd: v.veErrorStd, seed });
  const front = new Float64Array(table);
  const rear = new Float64Array(table);
  // A richer cylinder has more table VE than it needs (more fuel).
  if (v.cylinderBalance === 'front_rich') for (let i = 0; i < front.length; i++) front[i] *= 1.05;
  if (v.cylinderBalance === 'rear_rich') for (let i = 0; i < rear.length; i++) rear[i] *= 1.05;
  const baseline = createBaselineVeTable();
  return createVirtualEcu({
    veFront: front,
    veRear: rear,
    afrTarget: createAfrTargetTable(),
    trueVeFront: baseline,
    trueVeRear: baseline,
  });
}

function positive(field: string, v: number, max: number): number {
  if (!(v > 0 && v <= max)) throw new RangeError(`${field} ${v}: expected > 0 and ≤ ${max}`);
  return v;
}

function pickHostId(avoid: number): number {
  let id = randomInt(1, 0xffff);
  while (id === avoid) id = randomInt(1, 0xffff);
  return id;
}

/** Provider-clock time (u32 ms since start) at which tick `n` (1-based) was due. */
export const tickTime = (n: number, rateHz: number): number => Math.round((n * 1000) / rateHz) % 0x1_0000_0000;

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * The embedded simulated dyno: the pure model paced by wall-clock timers, speaking JetDrive as two providers
 * (the dyno and an atmospheric probe) on one loopback multicast socket.
 */
export function createSimulatedDyno(options: SimulatedDynoOptions = {}): SimulatedDyno {
  const cfg = { ...DEFAULT_SIMULATED_DYNO_OPTIONS, ...options };
  positive('rateHz', cfg.rateHz, 10_000);
  positive('probeRateHz', cfg.probeRateHz, 10_000);
  positive('infoIntervalMs', cfg.infoIntervalMs, 3_600_000);
  positive('autoPullIntervalS', cfg.autoPullIntervalS, 86_400);
  getEngineProfile(cfg.profile);
  let faults: SimFaults = validateFaults(cfg.faults ?? {});
  let run: Running | null = null;
  /** Pulls of earlier runs (start → stop); the running model counts its own, auto-pulls included. */
  let pullsBefore = 0;
  let profileId: EngineProfileId = cfg.profile;
  let starting: Promise<SimStatus> | null = null;
  let lastPull: { pull: number; frames: SimFrame[]; droppedFrames: number } | null = null;

  const recordPull = (frame: SimFrame): void => {
    if (frame.state !== 'pull') return;
    if (!lastPull || lastPull.pull !== frame.pull) lastPull = { pull: frame.pull, frames: [], droppedFrames: 0 };
    if (lastPull.frames.length < cfg.maxPullFrames) lastPull.frames.push(frame);
    else lastPull.droppedFrames++;
  };

  const send = (r: Running, out: OutgoingDatagram[]): void => {
    for (const d of out) r.injector.send(d);
  };

  const sendInfo = (r: Running): void => {
    send(r, r.dyno.channelInfo());
    send(r, r.probe.channelInfo());
  };

  const onDatagram = (r: Running, bytes: Uint8Array): void => {
    // What nodes publish to all hosts (channel lists and values) never asks us anything, and a host on the LAN can
    // send thousands of them a second: skip them before decoding (a collision needs us as the destination).
    if (bytes.length >= HEADER_SIZE && bytes[0] >= KEY.ChannelInfo && bytes[0] <= KEY.ClearChannelInfo) {
      if ((bytes[6] | (bytes[7] << 8)) === ALL_HOSTS) return;
    }
    let message: ReturnType<typeof decodeFrame>;
    try {
      message = decodeFrame(bytes);
    } catch {
      r.malformedIn++;
      return;
    }
    send(r, r.dyno.handle(message));
    send(r, r.probe.handle(message));
  };

  const startTicking = (r: Running): void => {
    const dt = 1 / cfg.rateHz;
    const probeEvery = Math.max(1, Math.round(cfg.rateHz / cfg.probeRateHz));
    const probeDt = 1 / cfg.probeRateHz;
    let probeDue = 0;
    const tick = (): void => {
      const frame = r.sim.step(dt);
      // Each tick carries its own time (start + tick × period), also when a late timer sends several at once:
      // a real provider stamps every sample when it was taken, never two with one time.
      const ts = tickTime(r.ticks + r.skippedTicks + 1, cfg.rateHz);
      r.ticks++;
      recordPull(frame);
      send(
        r,
        r.dyno.values((c) => c.read(frame), ts),
      );
      // The probe rides the dyno's clock; when it is faster than the dyno, it sends several per tick.
      if (cfg.probeRateHz <= cfg.rateHz) {
        if (r.ticks % probeEvery === 0)
          send(
            r,
            r.probe.values((c) => c.read(frame), ts),
          );
      } else {
        probeDue += dt;
        while (probeDue >= probeDt) {
          probeDue -= probeDt;
          send(
            r,
            r.probe.values((c) => c.read(frame), ts),
          );
        }
      }
    };
    const period = Math.max(1, Math.floor(1000 / cfg.rateHz));
    const maxCatchUp = Math.max(1, Math.ceil((cfg.maxCatchUpMs / 1000) * cfg.rateHz));
    const handle = setInterval(() => {
      // Catch up to wall-clock time so the rate holds even though timers fire late.
      const due = Math.floor(((Date.now() - r.startedAt) / 1000) * cfg.rateHz) - r.ticks - r.skippedTicks;
      const now = Math.min(due, maxCatchUp);
      if (due > now) r.skippedTicks += due - now;
      for (let i = 0; i < now; i++) tick();
    }, period);
    r.timers.push(() => clearInterval(handle));
  };

  const later = (r: Running, ms: number, fn: () => void): void => {
    const h = setTimeout(fn, ms);
    r.timers.push(() => clearTimeout(h));
  };

  const status = (): SimStatus => {
    if (!run) {
      return { active: false, state: 'stopped', profile: null, current: null, providers: [], pulls: pullsBefore };
    }
    const f = run.sim.lastFrame;
    return {
      active: true,
      state: run.sim.state,
      profile: profileSummary(run.sim.profile),
      current: f
        ? {
            rpm: Math.round(f.rpm),
            horsepower: round(f.hp, 1),
            torque: round(f.ftlb, 1),
            afr: round((f.afrFront + f.afrRear) / 2, 2),
            tps: round(f.tps, 1),
          }
        : null,
      providers: [
        { name: run.dyno.name, hostId: run.dyno.hostId },
        { name: run.probe.name, hostId: run.probe.hostId },
      ],
      pulls: pullsBefore + run.sim.pulls,
    };
  };

  const doStart = async (start: SimStartOptions = {}): Promise<SimStatus> => {
    if (run) await stop();
    const id = start.profile ?? profileId;
    const profile = getEngineProfile(id);
    const seed = cfg.seed ?? randomInt(0, 0x7fffffff);
    const autoPull = start.autoPull ?? cfg.autoPull;
    const interval = positive('autoPullIntervalS', start.autoPullIntervalS ?? cfg.autoPullIntervalS, 86_400);
    const v = start.virtualEcu;
    const sim = createDynoSim({
      profile,
      seed,
      ecu: buildEcu(v, seed),
      autoPullIntervalS: autoPull ? interval : null,
      atmosphere: {
        ...(v?.barometricPressureInHg !== undefined ? { pressureKpa: inHgToKpa(v.barometricPressureInHg) } : {}),
        ...(v?.ambientTempF !== undefined ? { tempC: fahrenheitToCelsius(v.ambientTempF) } : {}),
      },
    });
    const socket = await openSimSocket({
      group: cfg.group,
      port: cfg.port,
      iface: cfg.iface,
      allowNonLoopback: cfg.allowNonLoopback,
    });
    const startedAt = Date.now();
    const clockMs = () => (Date.now() - startedAt) % 0x1_0000_0000;
    const dynoHost = pickHostId(0);
    const dyno = createProviderNode({
      name: DYNO_PROVIDER_NAME,
      channels: DYNO_CHANNELS,
      hostId: dynoHost,
      pickHostId,
      clockMs,
      mtu: cfg.mtu,
    });
    const probe = createProviderNode({
      name: PROBE_PROVIDER_NAME,
      channels: PROBE_CHANNELS,
      hostId: pickHostId(dynoHost),
      pickHostId,
      clockMs,
      mtu: cfg.mtu,
    });
    const injector = createFaultInjector({
      faults,
      rng: createPrng(seed ^ 0x5eed),
      transmit: (bytes) => socket.send(bytes),
      setTimer: (fn, ms) => {
        const h = setTimeout(fn, ms);
        return () => clearTimeout(h);
      },
    });
    const r: Running = {
      sim,
      socket,
      dyno,
      probe,
      injector,
      timers: [],
      startedAt,
      ticks: 0,
      skippedTicks: 0,
      malformedIn: 0,
    };
    run = r;
    profileId = id;
    socket.onMessage((bytes) => onDatagram(r, bytes));
    const late = faults.lateInfoMs ?? 0;
    if (late > 0) later(r, late, () => sendInfo(r));
    else sendInfo(r);
    const repeat = setInterval(() => sendInfo(r), cfg.infoIntervalMs);
    r.timers.push(() => clearInterval(repeat));
    if (faults.rename) {
      const { provider, channelId, name, afterMs } = faults.rename;
      later(r, afterMs, () => send(r, (provider === 'probe' ? probe : dyno).renameChannel(channelId, name)));
    }
    if (faults.restartAfterMs !== undefined) later(r, faults.restartAfterMs, () => send(r, dyno.restart()));
    startTicking(r);
    log.info(
      {
        group: cfg.group,
        port: socket.port,
        iface: cfg.iface,
        profile: id,
        providers: [dyno, probe].map((p) => `${p.name} 0x${p.hostId.toString(16).toUpperCase().padStart(4, '0')}`),
      },
      'simulated dyno started',
    );
    return status();
  };

  const stop = async (): Promise<void> => {
    const r = run;
    if (!r) return;
    run = null;
    pullsBefore += r.sim.pulls;
    for (const cancel of r.timers) cancel();
    r.injector.flush();
    await r.socket.sendAndWait(r.dyno.clear().bytes);
    await r.socket.sendAndWait(r.probe.clear().bytes);
    await r.socket.close();
    log.info({ ticks: r.ticks }, 'simulated dyno stopped');
  };

  const pullAt = (tps: number): PullResult => {
    if (!run) return { ok: false, code: 'SIM_NOT_RUNNING', message: 'the simulator is not running; start it first' };
    return run.sim.triggerPull({ tps });
  };

  return {
    start(start) {
      // Serialise starts: two concurrent start() calls must not open two sockets.
      const p = (starting ?? Promise.resolve(status())).then(() => doStart(start));
      starting = p.catch(() => status());
      return p;
    },
    stop,
    pull: () => pullAt(100),
    pullAt,
    status,
    profiles: (): ProfileSummary[] => PROFILE_IDS.map((id) => profileSummary(ENGINE_PROFILES[id])),
    setFaults(f) {
      faults = validateFaults(f);
      run?.injector.setFaults(faults);
    },
    renameChannel(provider, channelId, name) {
      if (!run) throw new Error('renameChannel: the simulator is not running');
      send(run, (provider === 'probe' ? run.probe : run.dyno).renameChannel(channelId, name));
    },
    restartProvider(provider = 'dyno') {
      if (!run) throw new Error('restartProvider: the simulator is not running');
      send(run, (provider === 'probe' ? run.probe : run.dyno).restart());
    },
    pullData(): PullData | null {
      if (!lastPull) return null;
      const { pull, frames, droppedFrames } = lastPull;
      let hp: SimFrame | null = null;
      let tq: SimFrame | null = null;
      for (const f of frames) {
        if (!hp || f.hp > hp.hp) hp = f;
        if (!tq || f.ftlb > tq.ftlb) tq = f;
      }
      return {
        pull,
        running: run?.sim.state === 'pull' && run.sim.pulls === pull,
        frames,
        droppedFrames,
        peakHp: hp ? round(hp.hp, 1) : 0,
        hpPeakRpm: hp ? Math.round(hp.rpm) : 0,
        peakTq: tq ? round(tq.ftlb, 1) : 0,
        tqPeakRpm: tq ? Math.round(tq.rpm) : 0,
      };
    },
    get port() {
      return run?.socket.port ?? null;
    },
    get model() {
      return run?.sim ?? null;
    },
    stats(): SimulatedDynoStats {
      const r = run;
      const zero: FaultStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, overflow: 0 };
      return {
        ticks: r?.ticks ?? 0,
        skippedTicks: r?.skippedTicks ?? 0,
        malformedIn: r?.malformedIn ?? 0,
        pingsAnswered: (r?.dyno.stats.pingsAnswered ?? 0) + (r?.probe.stats.pingsAnswered ?? 0),
        infoRequestsAnswered: (r?.dyno.stats.infoRequestsAnswered ?? 0) + (r?.probe.stats.infoRequestsAnswered ?? 0),
        sendErrors: r?.socket.sendErrors ?? 0,
        faults: r?.injector.stats() ?? zero,
      };
    },
  };
}
