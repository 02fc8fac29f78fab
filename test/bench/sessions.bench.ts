// Virtual tuning sessions: throughput on one core, event-loop lag a live viewer sees while sessions run, memory
// per ended session before and after its tables are released, and memory after 1,000 sessions created over
// simulated hours (bounded by the registry's age and count limits). Baselines are measured in the same run.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { VirtualTimeScheduler } from 'rxjs';
import { createDynoPlant } from '../../server/sessions/create-dyno-plant.js';
import { createSession, type Session } from '../../server/sessions/create-session.js';
import { parseSessionConfig } from '../../server/sessions/session-config.js';
import { createSessionRegistry, DEFAULT_SESSION_REGISTRY_OPTIONS } from '../../server/sessions/session-registry.js';
import { DEFAULT_TPS_STEPS, type SessionTables, tuneSteps } from '../../server/sessions/tune-steps.js';
import { gc } from '../support/gc.js';
import type { BenchResult } from './types.js';

const SECTION = 'sessions';
const ROUNDS = 5;
const ROUND_MS = 800;
const LAG_MS = 1000;
const LAG_ROUNDS = 5;
const MEMORY_SESSIONS = 200;
const LONG_RUN_SESSIONS = 1000;
const LONG_RUN_SPACING_S = 20;

/** JS heap plus ArrayBuffer backing stores (VE tables are Float64Arrays, stored outside the JS heap). */
function heapMb(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}

const runOptions = {
  createPlant: createDynoPlant,
  tpsSteps: DEFAULT_TPS_STEPS,
  sliceMs: DEFAULT_SESSION_REGISTRY_OPTIONS.sliceMs,
  now: Date.now,
};
// A typical session: lean start, converges in ~4 iterations; rotate profiles so all four are in the mix.
const profiles = ['m8_114', 'm8_131', 'twin_cam_103', 'sportbike_600'];
const typical = (i: number) => parseSessionConfig({ engine_profile: profiles[i % 4], seed: i });

function pureSession(i: number): void {
  const tables: SessionTables = {
    veFront: new Float64Array(0),
    veRear: new Float64Array(0),
    corrections: [],
    lastCellMaps: null,
  };
  for (const _ of tuneSteps(typical(i), { ...runOptions, now: Date.now }, tables));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throughput(): Promise<BenchResult[]> {
  // Baseline: the bare loop (no event loop, no yields, no streams); measured: full sessions through the driver, one
  // at a time. Both warmed up, then interleaved round by round; the median round of each is reported.
  let i = 0;
  for (let w = 0; w < 4; w++) {
    pureSession(i++);
    await createSession(`tune_w_${i}`, typical(i++), runOptions).done;
  }
  const pureRates: number[] = [];
  const driverRates: number[] = [];
  let driverSessions = 0;
  const cpu0 = process.cpuUsage();
  let driverWall = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ROUND_MS) {
      pureSession(i++);
      n++;
    }
    pureRates.push((n / (performance.now() - t0)) * 60_000);
    n = 0;
    const t1 = performance.now();
    while (performance.now() - t1 < ROUND_MS) {
      await createSession(`tune_b_${i}`, typical(i++), runOptions).done;
      n++;
    }
    driverWall += performance.now() - t1;
    driverSessions += n;
    driverRates.push((n / (performance.now() - t1)) * 60_000);
  }
  const cpu = process.cpuUsage(cpu0);
  const rate = median(driverRates);
  const pureRate = median(pureRates);
  const cpuPerSessionMs = (cpu.user + cpu.system) / 1000 / (driverSessions * 2);
  return [
    {
      section: SECTION,
      name: 'sessions per minute (one core, driver)',
      value: rate,
      unit: 'sessions/min',
      baseline: { name: 'bare loop', value: pureRate },
      ratio: rate / pureRate,
      target: '≥ 0.8x',
      notes: `median of ${ROUNDS} rounds; ≈${cpuPerSessionMs.toFixed(0)} ms CPU per session (${(driverWall / driverSessions).toFixed(0)} ms wall)`,
    },
  ];
}

interface Lag {
  p99: number;
  max: number;
  sessions: number;
}

/** Event-loop delay (p99, max in ms) over LAG_MS while `load` keeps running. */
async function measureLag(load: (stopped: () => boolean) => Promise<number>): Promise<Lag> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let stop = false;
  const running = load(() => stop);
  h.enable();
  const t0 = performance.now();
  while (performance.now() - t0 < LAG_MS) await new Promise((r) => setTimeout(r, 50));
  h.disable();
  stop = true;
  const sessions = await running;
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, sessions };
}

const sessionsLoad =
  (lanes: number) =>
  async (stopped: () => boolean): Promise<number> => {
    let started = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (!stopped()) await createSession(`tune_l_${started}`, typical(started++), runOptions).done;
      }),
    );
    return started;
  };

/**
 * The fair baseline on a shared machine: a plain busy loop cut into the same slices (spin sliceMs, then
 * setImmediate). It keeps the CPU exactly as busy as the sessions do, so the OS scheduling noise of a busy process
 * is in both figures and the ratio shows what the sessions add (allocation, GC, any unsliced work).
 */
const spinLoad = async (stopped: () => boolean): Promise<number> => {
  while (!stopped()) {
    const t = performance.now();
    while (performance.now() - t < runOptions.sliceMs);
    await tick();
  }
  return 0;
};

async function lag(): Promise<BenchResult[]> {
  // Interleaved rounds, median per kind: other processes on a shared machine come and go, and each kind should
  // see the same mix of them.
  const kinds = {
    idle: async () => 0,
    spin: spinLoad,
    one: sessionsLoad(1),
    four: sessionsLoad(4),
  };
  const seen: Record<keyof typeof kinds, Lag[]> = { idle: [], spin: [], one: [], four: [] };
  for (let round = 0; round < LAG_ROUNDS; round++) {
    for (const k of Object.keys(kinds) as (keyof typeof kinds)[]) seen[k].push(await measureLag(kinds[k]));
  }
  const med = (k: keyof typeof kinds): Lag => ({
    p99: median(seen[k].map((l) => l.p99)),
    max: median(seen[k].map((l) => l.max)),
    sessions: seen[k].reduce((a, l) => a + l.sessions, 0),
  });
  const idle = med('idle');
  const spin = med('spin');
  const row = (name: string, l: Lag): BenchResult => ({
    section: SECTION,
    name,
    value: l.p99,
    unit: 'ms',
    baseline: { name: `busy loop in ${runOptions.sliceMs} ms slices`, value: spin.p99 },
    ratio: l.p99 / spin.p99,
    target: '≈ 1x',
    notes: `medians of ${LAG_ROUNDS} rounds: max ${l.max.toFixed(1)} ms (busy loop ${spin.max.toFixed(1)}); idle p99 ${idle.p99.toFixed(1)} ms; ${l.sessions} sessions`,
  });
  return [
    row('event-loop delay p99, 1 session running', med('one')),
    row('event-loop delay p99, 4 sessions running', med('four')),
  ];
}

async function memoryPerSession(): Promise<BenchResult[]> {
  const held: Session[] = [];
  const before = heapMb();
  for (let i = 0; i < MEMORY_SESSIONS; i++) {
    const s = createSession(`tune_m_${i}`, typical(i), runOptions);
    await s.done;
    held.push(s);
  }
  await tick();
  const retained = heapMb();
  for (const s of held) s.release();
  const released = heapMb();
  const perRetained = ((retained - before) * 1e6) / MEMORY_SESSIONS / 1024;
  const perReleased = ((released - before) * 1e6) / MEMORY_SESSIONS / 1024;
  const iterations = held.reduce((a, s) => a + s.state.iterations.length, 0) / held.length;
  return [
    {
      section: SECTION,
      name: 'heap per ended session, tables released',
      value: perReleased,
      unit: 'KiB',
      baseline: { name: 'tables held', value: perRetained },
      ratio: perReleased / perRetained,
      target: '< 1x',
      notes: `${MEMORY_SESSIONS} sessions, ${iterations.toFixed(1)} iterations each; held length ${held.length}`,
    },
  ];
}

async function longRun(): Promise<BenchResult[]> {
  const scheduler = new VirtualTimeScheduler();
  const T0 = Date.UTC(2026, 0, 1);
  let simMs = 0;
  const reg = createSessionRegistry({ now: () => T0 + simMs, scheduler });
  const before = heapMb();
  let peak = 0;
  for (let i = 0; i < LONG_RUN_SESSIONS; i++) {
    const { session_id } = reg.start({ engine_profile: profiles[i % 4], base_ve_scenario: 'perfect', seed: i });
    while (reg.stats().running > 0) await tick();
    if (!reg.has(session_id)) throw new Error(`session ${session_id} vanished while running`);
    simMs += LONG_RUN_SPACING_S * 1000;
    scheduler.maxFrames = simMs;
    scheduler.flush();
    peak = Math.max(peak, reg.size);
  }
  const after = heapMb();
  const stats = reg.stats();
  reg.dispose();
  return [
    {
      section: SECTION,
      name: `heap growth after ${LONG_RUN_SESSIONS} sessions over ${((LONG_RUN_SESSIONS * LONG_RUN_SPACING_S) / 3600).toFixed(1)} simulated h`,
      value: after - before,
      unit: 'MB',
      notes: `held ${stats.size} (peak ${peak}, limit 100), removed ${stats.removed}, sweeps ${stats.sweeps}, heap ${after.toFixed(1)} MB`,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [...(await throughput()), ...(await lag()), ...(await memoryPerSession()), ...(await longRun())];
}
