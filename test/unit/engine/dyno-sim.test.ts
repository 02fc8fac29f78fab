import { describe, expect, it } from 'vitest';
import { DEFAULT_DYNO_SIM } from '../../../server/engine/dyno-model.js';
import { createDynoSim } from '../../../server/engine/dyno-sim.js';
import { ENGINE_PROFILES, PROFILE_IDS } from '../../../server/engine/engine-profiles.js';
import { runPull } from '../../../server/engine/run-pull.js';
import type { SimFrame } from '../../../server/engine/sim-frame.js';
import { createScenarioVeTable } from '../../../server/engine/ve-scenario.js';
import { createVirtualEcu } from '../../../server/engine/virtual-ecu.js';
import { createAfrTargetTable, createBaselineVeTable, MAP_AXIS } from '../../../server/tuning/ve-grid.js';

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function ecuFor(scenario: 'perfect' | 'lean' | 'rich') {
  const table = createScenarioVeTable({ scenario, seed: 7 });
  return createVirtualEcu({ veFront: table, veRear: new Float64Array(table), afrTarget: createAfrTargetTable() });
}

/** Pull frames above the grid's first row, where the ECU's table (not its clamped edge) applies. */
function tuningFrames(frames: SimFrame[], scale: number): SimFrame[] {
  return frames.filter((f) => f.rpm >= 2000 * scale);
}

describe.each(PROFILE_IDS)('profile %s', (id) => {
  const p = ENGINE_PROFILES[id];

  it('a WOT pull reaches redline in 6–12 s of simulated time from the shop start rpm, then returns to idle', () => {
    const sim = createDynoSim({ profile: id, seed: 11 });
    const run = runPull(sim, { tps: 100 });
    const pf = run.pullFrames;
    const start = pf.find((f) => f.rpm >= p.pullFromRpm);
    const end = pf[pf.length - 1];
    expect(start).toBeDefined();
    expect(end.rpm).toBeGreaterThanOrEqual(0.97 * p.redlineRpm);
    const duration = end.t - (start as SimFrame).t;
    expect(duration).toBeGreaterThanOrEqual(6);
    expect(duration).toBeLessThanOrEqual(12);
    // idle → pull → decel → cooldown → idle, in that order, each once.
    const order = run.frames.map((f) => f.state).filter((s, i, a) => i === 0 || a[i - 1] !== s);
    expect(order).toEqual(['pull', 'decel', 'cooldown', 'idle']);
    expect(sim.state).toBe('idle');
  });

  it('peak power and torque are within 10 % of the profile, near the quoted rpm', () => {
    const run = runPull(createDynoSim({ profile: id, seed: 12 }), { tps: 100 });
    const pf = run.pullFrames.filter((f) => f.rpm >= p.pullFromRpm);
    const peakHp = pf.reduce((a, b) => (b.hp > a.hp ? b : a));
    const peakTq = pf.reduce((a, b) => (b.ftlb > a.ftlb ? b : a));
    expect(Math.abs(peakHp.hp / p.maxHp - 1)).toBeLessThan(0.1);
    expect(Math.abs(peakTq.ftlb / p.maxTq - 1)).toBeLessThan(0.1);
    expect(Math.abs(peakHp.rpm / p.hpPeakRpm - 1)).toBeLessThan(0.1);
    // Where the profile's figures put a flat torque plateau the peak's rpm is noise; its value at the quoted rpm is not.
    const atTqPeak = pf.filter((f) => Math.abs(f.rpm - p.tqPeakRpm) < 0.02 * p.tqPeakRpm).map((f) => f.ftlb);
    expect(atTqPeak.length).toBeGreaterThan(0);
    expect(Math.abs(mean(atTqPeak) / p.maxTq - 1)).toBeLessThan(0.05);
  });

  it('HP = torque × rpm / 5252 holds on every frame, in and out of pulls', () => {
    const run = runPull(createDynoSim({ profile: id, seed: 13 }), { tps: 100 });
    let checked = 0;
    for (const f of run.frames) {
      if (Math.abs(f.hp) < 1) continue;
      expect(f.hp).toBeCloseTo((f.ftlb * f.rpm) / 5252, 1);
      expect(Math.abs((f.ftlb * f.rpm) / 5252 / f.hp - 1)).toBeLessThan(1e-3);
      // SI channels agree with each other too: P = τ·ω, F = P / v.
      expect(f.powerKw * 1000).toBeCloseTo((f.torqueNm * f.rpm * 2 * Math.PI) / 60, 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('a lean table reads lean and a rich table rich, on both cylinders; a perfect one reads the target', () => {
    const scale = p.gridRpmScale;
    const err = (scenario: 'perfect' | 'lean' | 'rich', cyl: 'afrFront' | 'afrRear') => {
      const frames = tuningFrames(
        runPull(createDynoSim({ profile: id, seed: 14, ecu: ecuFor(scenario) })).pullFrames,
        scale,
      );
      return mean(frames.map((f) => f[cyl] - f.afrTarget));
    };
    for (const cyl of ['afrFront', 'afrRear'] as const) {
      expect(err('lean', cyl)).toBeGreaterThan(0.8);
      expect(err('rich', cyl)).toBeLessThan(-0.8);
      expect(Math.abs(err('perfect', cyl))).toBeLessThan(0.05);
    }
  });

  it('a part-throttle pull still reaches redline, slower, at lower MAP', () => {
    const wot = runPull(createDynoSim({ profile: id, seed: 15 }), { tps: 100 });
    const part = runPull(createDynoSim({ profile: id, seed: 15 }), { tps: 20 });
    expect(part.pullFrames[part.pullFrames.length - 1].rpm).toBeGreaterThanOrEqual(0.97 * p.redlineRpm);
    expect(part.pullS).toBeGreaterThan(wot.pullS * 1.5);
    const partMap = mean(part.pullFrames.map((f) => f.mapKpa));
    const wotMap = mean(wot.pullFrames.map((f) => f.mapKpa));
    expect(partMap).toBeLessThan(60);
    expect(wotMap).toBeGreaterThan(90);
  });
});

describe('createDynoSim', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = runPull(createDynoSim({ profile: 'm8_114', seed: 5 }), { tps: 60 }).frames;
    const b = runPull(createDynoSim({ profile: 'm8_114', seed: 5 }), { tps: 60 }).frames;
    const c = runPull(createDynoSim({ profile: 'm8_114', seed: 6 }), { tps: 60 }).frames;
    expect(b).toEqual(a);
    expect(c.map((f) => f.afrFront)).not.toEqual(a.map((f) => f.afrFront));
  });

  it('pulls at 20/40/60/80/100 % TPS cover the MAP rows 40–100 of the grid', () => {
    const sim = createDynoSim({ profile: 'm8_114', seed: 8 });
    const hit = new Set<number>();
    for (const tps of [20, 40, 60, 80, 100]) {
      for (const f of runPull(sim, { tps }).pullFrames) {
        const row = MAP_AXIS.reduce((a, b) => (Math.abs(b - f.mapKpa) < Math.abs(a - f.mapKpa) ? b : a));
        hit.add(row);
      }
    }
    for (const row of [40, 50, 60, 70, 80, 90, 100]) expect(hit).toContain(row);
  });

  it('refuses a pull unless idle, and rejects a nonsense throttle', () => {
    const sim = createDynoSim({ profile: 'm8_114' });
    expect(sim.triggerPull({ tps: 100 })).toEqual({ ok: true, state: 'pull' });
    const again = sim.triggerPull();
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.code).toBe('SIM_NOT_IDLE');
    const idle = createDynoSim({ profile: 'm8_114' });
    expect(() => idle.triggerPull({ tps: 150 })).toThrow(/tps 150/);
    expect(() => idle.step(0)).toThrow(/dtS 0/);
  });

  it('a barely open throttle runs out of torque: the pull ends when rpm stops rising, then decel as usual', () => {
    const run = runPull(createDynoSim({ profile: 'm8_114', seed: 9 }), { tps: 6 });
    const last = run.pullFrames[run.pullFrames.length - 1];
    expect(last.rpm).toBeLessThan(0.95 * 5800);
    expect(last.rpm).toBeGreaterThan(2000);
    expect(run.pullS).toBeLessThan(DEFAULT_DYNO_SIM.maxPullS);
    const order = run.frames.map((f) => f.state).filter((s, i, a) => i === 0 || a[i - 1] !== s);
    expect(order).toEqual(['pull', 'decel', 'cooldown', 'idle']);
  });

  it('starts pulls by itself every N s when auto-pull is on', () => {
    const sim = createDynoSim({ profile: 'm8_114', seed: 2, autoPullIntervalS: 30 });
    const starts: number[] = [];
    let prev = sim.state;
    for (let i = 0; i < 100 * 50; i++) {
      const f = sim.step(0.02);
      if (f.state === 'pull' && prev !== 'pull') starts.push(f.t);
      prev = f.state;
    }
    expect(starts.length).toBe(3);
    expect(starts[0]).toBeCloseTo(30, 0);
    expect(starts[1] - starts[0]).toBeCloseTo(30, 0);
  });

  it('reports less observed power on a hot, high day and a correction factor that puts it back', () => {
    const std = runPull(createDynoSim({ profile: 'm8_114', seed: 3, noiseScale: 0 })).pullFrames;
    const hot = runPull(
      createDynoSim({ profile: 'm8_114', seed: 3, noiseScale: 0, atmosphere: { tempC: 38, pressureKpa: 84 } }),
    ).pullFrames;
    const peak = (fs: SimFrame[], k: 'hp' | 'hpCorrected') => Math.max(...fs.map((f) => f[k]));
    expect(hot[0].correctionFactor).toBeGreaterThan(1.15);
    expect(peak(hot, 'hp')).toBeLessThan(peak(std, 'hp') * 0.9);
    expect(peak(hot, 'hpCorrected')).toBeCloseTo(peak(std, 'hpCorrected'), -1);
  });

  it('a lean table costs power, and the ECU tables are read live (a fix takes effect on the next pull)', () => {
    const lean = createScenarioVeTable({ scenario: 'lean', errorPct: -20, errorStd: 0 });
    const ecu = createVirtualEcu({ veFront: lean, veRear: new Float64Array(lean), afrTarget: createAfrTargetTable() });
    const sim = createDynoSim({ profile: 'm8_114', seed: 4, noiseScale: 0, ecu });
    const before = runPull(sim).pullFrames;
    ecu.veFront.set(createBaselineVeTable());
    ecu.veRear.set(createBaselineVeTable());
    const after = runPull(sim).pullFrames;
    expect(Math.max(...after.map((f) => f.hp))).toBeGreaterThan(Math.max(...before.map((f) => f.hp)) * 1.02);
    const errAfter = mean(tuningFrames(after, 1).map((f) => Math.abs(f.afrFront - f.afrTarget)));
    expect(errAfter).toBeLessThan(1e-9);
  });
});
