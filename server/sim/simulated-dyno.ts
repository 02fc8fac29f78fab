import { randomInt } from 'node:crypto';
import { fahrenheitToCelsius, inHgToKpa } from '../engine/atmosphere.js';
import { createDynoSim, type DynoSim } from '../engine/dyno-sim.js';
import {
  DEFAULT_PROFILE_ID,
  ENGINE_PROFILES,
  getEngineProfile,
  PROFILE_IDS,
  profileSummary,
} from '../engine/engine-profiles.js';
import type { EngineProfileId, ProfileSummary, PullResult, SimStartOptions } from '../engine/types.js';
import { createScenarioVeTable, DEFAULT_VE_SCENARIO_ERROR } from '../engine/ve-scenario.js';
import { createVirtualEcu, type VirtualEcu } from '../engine/virtual-ecu.js';
import { virtualEcuEnabled } from '../engine/virtual-ecu-enabled.js';
import { createLogger } from '../log.js';
import { createAfrTargetTable, createBaselineVeTable } from '../tuning/ve-grid.js';
import { type FaultStats, type SimFaults, validateFaults } from './fault-injector.js';
import { type PullData, PullRecorder } from './pull-recorder.js';
import { SimRun, type SimulatedDynoStats } from './sim-run.js';
import type { SimStatus, SimulatedDynoController, SimVeScenario } from './types.js';

export { tickTime } from './tick-pacer.js';
export type { PullData, SimulatedDynoStats };

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
  /** The AFR and lambda channels lag the engine by this much, as a wideband's do. Default 100 ms; 0 turns it off. */
  widebandDelayMs?: number;
  /** Noise seed; default random. Host ids are always random. */
  seed?: number;
  profile?: EngineProfileId;
  /** Start pulls by itself (demo mode). Default true. */
  autoPull?: boolean;
  autoPullIntervalS?: number;
  faults?: SimFaults;
}

const MAX_WIDEBAND_DELAY_MS = 2000;

export const DEFAULT_SIMULATED_DYNO_OPTIONS = Object.freeze({
  group: '224.0.2.10',
  port: 22344,
  iface: '127.0.0.1',
  allowNonLoopback: false,
  rateHz: 50,
  probeRateHz: 10,
  infoIntervalMs: 30_000,
  mtu: 1400,
  widebandDelayMs: 100,
  profile: DEFAULT_PROFILE_ID,
  autoPull: true,
  autoPullIntervalS: 15,
  /** After a stall of the event loop, up to this much of missed ticks is sent at once; older ones are skipped (counted). */
  maxCatchUpMs: 250,
  /** Frames kept of the current/last pull (90 s at 50 Hz fits); more are dropped and counted. */
  maxPullFrames: 5000,
});

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
  /** The running model's virtual ECU scenario; null when stopped or started without the virtual ECU. */
  veScenario(): SimVeScenario | null;
}

/** What buildEcu makes of the start options, for the record (a run's metadata). */
function veScenarioOf(v: SimStartOptions['virtualEcu']): SimVeScenario | null {
  if (v === undefined || !virtualEcuEnabled(v)) return null;
  const scenario = v.scenario ?? 'lean';
  const defaults = DEFAULT_VE_SCENARIO_ERROR[scenario];
  const perfect = scenario === 'perfect';
  return {
    scenario,
    veErrorPct: perfect ? 0 : (v.veErrorPct ?? defaults.errorPct),
    veErrorStd: perfect ? 0 : (v.veErrorStd ?? defaults.errorStd),
    cylinderBalance: v.cylinderBalance ?? 'same',
  };
}

function buildEcu(v: SimStartOptions['virtualEcu'], seed: number): VirtualEcu | undefined {
  if (v === undefined || !virtualEcuEnabled(v)) return undefined;
  const scenario = v.scenario ?? 'lean';
  const table = createScenarioVeTable({ scenario, errorPct: v.veErrorPct, errorStd: v.veErrorStd, seed });
  const front = new Float64Array(table);
  const rear = new Float64Array(table);
  if (v.cylinderBalance === 'front_rich') for (let i = 0; i < front.length; i++) front[i] *= RICH_CYLINDER_VE_FACTOR;
  if (v.cylinderBalance === 'rear_rich') for (let i = 0; i < rear.length; i++) rear[i] *= RICH_CYLINDER_VE_FACTOR;
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

const MAX_RATE_HZ = 10_000;
const MAX_INFO_INTERVAL_MS = 3_600_000;
const MAX_AUTO_PULL_INTERVAL_S = 86_400;
/** Largest positive i32: the range of random noise seeds. */
const MAX_SEED = 0x7fffffff;
/** A richer cylinder has this much more table VE than it needs (more fuel). */
const RICH_CYLINDER_VE_FACTOR = 1.05;
const ZERO_FAULT_STATS: FaultStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, overflow: 0 };
const STOPPED_STATS: SimulatedDynoStats = {
  ticks: 0,
  skippedTicks: 0,
  malformedIn: 0,
  pingsAnswered: 0,
  infoRequestsAnswered: 0,
  sendErrors: 0,
  faults: ZERO_FAULT_STATS,
};

/** The model of one run: the start options' profile, virtual ECU, auto-pull interval and atmosphere. */
function createModel(
  cfg: { autoPull: boolean; autoPullIntervalS: number },
  start: SimStartOptions,
  id: EngineProfileId,
  seed: number,
): DynoSim {
  const profile = getEngineProfile(id);
  const autoPull = start.autoPull ?? cfg.autoPull;
  const interval = positive(
    'autoPullIntervalS',
    start.autoPullIntervalS ?? cfg.autoPullIntervalS,
    MAX_AUTO_PULL_INTERVAL_S,
  );
  const v = start.virtualEcu;
  return createDynoSim({
    profile,
    seed,
    ecu: buildEcu(v, seed),
    autoPullIntervalS: autoPull ? interval : null,
    atmosphere: {
      ...(v?.barometricPressureInHg !== undefined ? { pressureKpa: inHgToKpa(v.barometricPressureInHg) } : {}),
      ...(v?.ambientTempF !== undefined ? { tempC: fahrenheitToCelsius(v.ambientTempF) } : {}),
    },
  });
}

/** Defaults filled in and every number range-checked (RangeError naming the field). */
function configOf(options: SimulatedDynoOptions) {
  const cfg = { ...DEFAULT_SIMULATED_DYNO_OPTIONS, ...options };
  positive('rateHz', cfg.rateHz, MAX_RATE_HZ);
  positive('probeRateHz', cfg.probeRateHz, MAX_RATE_HZ);
  positive('infoIntervalMs', cfg.infoIntervalMs, MAX_INFO_INTERVAL_MS);
  positive('autoPullIntervalS', cfg.autoPullIntervalS, MAX_AUTO_PULL_INTERVAL_S);
  if (!(cfg.widebandDelayMs >= 0 && cfg.widebandDelayMs <= MAX_WIDEBAND_DELAY_MS)) {
    throw new RangeError(`widebandDelayMs ${cfg.widebandDelayMs}: expected 0 to ${MAX_WIDEBAND_DELAY_MS}`);
  }
  getEngineProfile(cfg.profile);
  return cfg;
}

function statusOf(run: SimRun | null, pullsBefore: number): SimStatus {
  if (!run) {
    return { active: false, state: 'stopped', profile: null, current: null, providers: [], pulls: pullsBefore };
  }
  return {
    active: true,
    state: run.sim.state,
    profile: profileSummary(run.sim.profile),
    current: run.current(),
    providers: [run.dyno, run.probe].map((p) => ({ name: p.name, hostId: p.hostId })),
    pulls: pullsBefore + run.sim.pulls,
  };
}

/**
 * The embedded simulated dyno: the pure model paced by wall-clock timers, speaking JetDrive as two providers
 * (the dyno and an atmospheric probe) on one loopback multicast socket.
 */
export function createSimulatedDyno(options: SimulatedDynoOptions = {}): SimulatedDyno {
  const cfg = configOf(options);
  let faults: SimFaults = validateFaults(cfg.faults ?? {});
  let run: SimRun | null = null;
  /** Pulls of earlier runs (start → stop); the running model counts its own, auto-pulls included. */
  let pullsBefore = 0;
  let profileId: EngineProfileId = cfg.profile;
  let starting: Promise<SimStatus> | null = null;
  let veScenario: SimVeScenario | null = null;
  const recorder = new PullRecorder(cfg.maxPullFrames);

  const status = (): SimStatus => statusOf(run, pullsBefore);

  const doStart = async (start: SimStartOptions = {}): Promise<SimStatus> => {
    if (run) await stop();
    const id = start.profile ?? profileId;
    const seed = cfg.seed ?? randomInt(0, MAX_SEED);
    const sim = createModel(cfg, start, id, seed);
    const r = await SimRun.open(cfg, sim, seed, faults);
    run = r;
    profileId = id;
    veScenario = veScenarioOf(start.virtualEcu);
    r.begin(faults, (frame) => recorder.record(frame));
    log.info({ ...r.describe(), profile: id }, 'simulated dyno started');
    return status();
  };

  const stop = async (): Promise<void> => {
    const r = run;
    if (!r) return;
    run = null;
    pullsBefore += r.sim.pulls;
    await r.stop();
  };

  const pullAt = (tps: number): PullResult => {
    if (!run) return { ok: false, code: 'SIM_NOT_RUNNING', message: 'the simulator is not running; start it first' };
    return run.sim.triggerPull({ tps });
  };

  const running = (what: string): SimRun => {
    if (!run) throw new Error(`${what}: the simulator is not running`);
    return run;
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
      const r = running('renameChannel');
      r.send(r.provider(provider).renameChannel(channelId, name));
    },
    restartProvider(provider = 'dyno') {
      const r = running('restartProvider');
      r.send(r.provider(provider).restart());
    },
    pullData: (): PullData | null => recorder.data((pull) => run?.sim.state === 'pull' && run.sim.pulls === pull),
    get port() {
      return run?.socket.port ?? null;
    },
    get model() {
      return run?.sim ?? null;
    },
    veScenario: () => (run ? veScenario : null),
    stats: (): SimulatedDynoStats => run?.stats() ?? { ...STOPPED_STATS, faults: { ...ZERO_FAULT_STATS } },
  };
}
