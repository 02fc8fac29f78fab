import { randomInt } from 'node:crypto';
import type { DynoSim } from '../engine/dyno-sim.js';
import { createPrng } from '../engine/prng.js';
import type { SimFrame } from '../engine/sim-frame.js';
import { createLogger } from '../log.js';
import { decodeFrame } from '../protocol/index.js';
import { ALL_HOSTS, HEADER_SIZE, KEY } from '../protocol/types.js';
import { createFaultInjector, type FaultInjector, type FaultStats, type SimFaults } from './fault-injector.js';
import { ProbeSchedule } from './probe-schedule.js';
import { createProviderNode, type ProviderNode } from './provider-node.js';
import { round } from './pull-recorder.js';
import { DYNO_CHANNELS, DYNO_PROVIDER_NAME, PROBE_CHANNELS, PROBE_PROVIDER_NAME } from './sim-channels.js';
import { openSimSocket, type SimSocket } from './sim-socket.js';
import { TickPacer, U32_CLOCK_WRAP } from './tick-pacer.js';
import type { OutgoingDatagram, SimStatus } from './types.js';
import { WidebandDelay } from './wideband-delay.js';

const log = createLogger('sim');

/** Host ids are u16; 0 is no host. */
const MAX_HOST_ID = 0xffff;
/** Mixed into the noise seed so the fault injector's random stream differs from the model's. */
const FAULT_SEED_SALT = 0x5eed;

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

/** What one run needs of the simulated dyno's configuration. */
export interface SimRunConfig {
  group: string;
  port: number;
  iface: string;
  allowNonLoopback: boolean;
  rateHz: number;
  probeRateHz: number;
  infoIntervalMs: number;
  mtu: number;
  maxCatchUpMs: number;
  /** The wideband's AFR and lambda channels are sent this late (0: as the model has them). */
  widebandDelayMs: number;
}

export function pickHostId(avoid: number): number {
  let id = randomInt(1, MAX_HOST_ID);
  while (id === avoid) id = randomInt(1, MAX_HOST_ID);
  return id;
}

const hex4 = (id: number) => `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * One run of the simulated dyno, start to stop: the model paced by wall-clock timers, the two providers (dyno and
 * atmospheric probe) on one socket behind the fault injector, and every timer of the run, all cancelled by stop().
 */
export class SimRun {
  readonly sim: DynoSim;
  readonly socket: SimSocket;
  readonly dyno: ProviderNode;
  readonly probe: ProviderNode;
  readonly injector: FaultInjector;
  readonly #cfg: SimRunConfig;
  readonly #startedAt: number;
  readonly #pacer: TickPacer;
  readonly #timers: (() => void)[] = [];
  #malformedIn = 0;

  /** Opens the socket and starts the run: ChannelInfo (now or late, by fault), its repeat, faults, ticks. */
  static async open(cfg: SimRunConfig, sim: DynoSim, seed: number, faults: SimFaults): Promise<SimRun> {
    const { group, port, iface, allowNonLoopback } = cfg;
    const socket = await openSimSocket({ group, port, iface, allowNonLoopback });
    const run = new SimRun(cfg, sim, socket, seed, faults);
    socket.onMessage((bytes) => run.#onDatagram(bytes));
    return run;
  }

  private constructor(cfg: SimRunConfig, sim: DynoSim, socket: SimSocket, seed: number, faults: SimFaults) {
    this.#cfg = cfg;
    this.sim = sim;
    this.socket = socket;
    this.#startedAt = Date.now();
    this.#pacer = new TickPacer(cfg.rateHz, cfg.maxCatchUpMs);
    const clockMs = () => (Date.now() - this.#startedAt) % U32_CLOCK_WRAP;
    const provider = (name: string, channels: typeof DYNO_CHANNELS, hostId: number) =>
      createProviderNode({ name, channels, hostId, pickHostId, clockMs, mtu: cfg.mtu });
    this.dyno = provider(DYNO_PROVIDER_NAME, DYNO_CHANNELS, pickHostId(0));
    this.probe = provider(PROBE_PROVIDER_NAME, PROBE_CHANNELS, pickHostId(this.dyno.hostId));
    this.injector = createFaultInjector({
      faults,
      rng: createPrng(seed ^ FAULT_SEED_SALT),
      transmit: (bytes) => socket.send(bytes),
      setTimer: (fn, ms) => {
        const h = setTimeout(fn, ms);
        return () => clearTimeout(h);
      },
    });
  }

  /** Sends ChannelInfo (at once or after `lateInfoMs`) and every `infoIntervalMs`, schedules faults, starts ticking. */
  begin(faults: SimFaults, onFrame: (frame: SimFrame) => void): void {
    const late = faults.lateInfoMs ?? 0;
    if (late > 0) this.#later(late, () => this.sendInfo());
    else this.sendInfo();
    const repeat = setInterval(() => this.sendInfo(), this.#cfg.infoIntervalMs);
    this.#timers.push(() => clearInterval(repeat));
    if (faults.rename) {
      const { provider, channelId, name, afterMs } = faults.rename;
      this.#later(afterMs, () => this.send(this.provider(provider).renameChannel(channelId, name)));
    }
    if (faults.restartAfterMs !== undefined) this.#later(faults.restartAfterMs, () => this.send(this.dyno.restart()));
    this.#startTicking(onFrame);
  }

  /** The probe or (by default) the dyno. */
  provider(which?: 'dyno' | 'probe'): ProviderNode {
    return which === 'probe' ? this.probe : this.dyno;
  }

  send(out: OutgoingDatagram[]): void {
    for (const d of out) this.injector.send(d);
  }

  sendInfo(): void {
    this.send(this.dyno.channelInfo());
    this.send(this.probe.channelInfo());
  }

  /** Where it sends and which providers (names with host ids), for the start log. */
  describe(): { group: string; port: number | null; iface: string; providers: string[] } {
    const { group, iface } = this.#cfg;
    const providers = [this.dyno, this.probe].map((p) => `${p.name} ${hex4(p.hostId)}`);
    return { group, port: this.socket.port, iface, providers };
  }

  /** The latest frame, rounded for the status endpoint; null before the first tick. */
  current(): SimStatus['current'] {
    const f = this.sim.lastFrame;
    if (!f) return null;
    return {
      rpm: Math.round(f.rpm),
      horsepower: round(f.hp, 1),
      torque: round(f.ftlb, 1),
      afr: round((f.afrFront + f.afrRear) / 2, 2),
      tps: round(f.tps, 1),
    };
  }

  stats(): SimulatedDynoStats {
    return {
      ticks: this.#pacer.ticks,
      skippedTicks: this.#pacer.skippedTicks,
      malformedIn: this.#malformedIn,
      pingsAnswered: this.dyno.stats.pingsAnswered + this.probe.stats.pingsAnswered,
      infoRequestsAnswered: this.dyno.stats.infoRequestsAnswered + this.probe.stats.infoRequestsAnswered,
      sendErrors: this.socket.sendErrors,
      faults: this.injector.stats(),
    };
  }

  /** Cancels every timer, flushes held datagrams, says ClearChannelInfo for both providers and closes the socket. */
  async stop(): Promise<void> {
    for (const cancel of this.#timers) cancel();
    this.injector.flush();
    await this.socket.sendAndWait(this.dyno.clear().bytes);
    await this.socket.sendAndWait(this.probe.clear().bytes);
    await this.socket.close();
    log.info({ ticks: this.#pacer.ticks }, 'simulated dyno stopped');
  }

  #later(ms: number, fn: () => void): void {
    const h = setTimeout(fn, ms);
    this.#timers.push(() => clearTimeout(h));
  }

  #onDatagram(bytes: Uint8Array): void {
    // What nodes publish to all hosts (channel lists and values) never asks us anything, and a host on the LAN can
    // send thousands of them a second: skip them before decoding (a collision needs us as the destination).
    if (bytes.length >= HEADER_SIZE && bytes[0] >= KEY.ChannelInfo && bytes[0] <= KEY.ClearChannelInfo) {
      if ((bytes[6] | (bytes[7] << 8)) === ALL_HOSTS) return;
    }
    let message: ReturnType<typeof decodeFrame>;
    try {
      message = decodeFrame(bytes);
    } catch {
      this.#malformedIn++;
      return;
    }
    this.send(this.dyno.handle(message));
    this.send(this.probe.handle(message));
  }

  #startTicking(onFrame: (frame: SimFrame) => void): void {
    const dt = 1 / this.#cfg.rateHz;
    const probes = new ProbeSchedule(this.#cfg.rateHz, this.#cfg.probeRateHz);
    const wideband = new WidebandDelay(this.#cfg.widebandDelayMs, this.#cfg.rateHz);
    const tick = (): void => {
      const frame = this.sim.step(dt);
      const ts = this.#pacer.tick();
      onFrame(frame);
      const sensed = wideband.delay(frame);
      this.send(this.dyno.values((c) => c.read(sensed), ts));
      for (let n = probes.sendsAt(this.#pacer.ticks); n > 0; n--) {
        this.send(this.probe.values((c) => c.read(frame), ts));
      }
    };
    // Each timer is aimed at the next tick's due time, so a tick goes out when it is stamped (a fixed interval
    // drifted against the due times: ticks went out 0–20 ms after their stamps). Late timers catch up.
    let handle: NodeJS.Timeout | undefined;
    let stopped = false;
    const run = (): void => {
      try {
        const now = this.#pacer.due(Date.now() - this.#startedAt);
        for (let i = 0; i < now; i++) tick();
      } finally {
        if (!stopped) handle = setTimeout(run, this.#pacer.msUntilNext(Date.now() - this.#startedAt));
      }
    };
    handle = setTimeout(run, this.#pacer.msUntilNext(Date.now() - this.#startedAt));
    this.#timers.push(() => {
      stopped = true;
      clearTimeout(handle);
    });
  }
}
