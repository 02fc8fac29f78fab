import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ATMOSPHERE,
  fahrenheitToCelsius,
  inHgToKpa,
  saeJ1349Factor,
} from '../../../server/engine/atmosphere.js';
import {
  ENGINE_PROFILES,
  getEngineProfile,
  PROFILE_IDS,
  profileSummary,
} from '../../../server/engine/engine-profiles.js';
import { steadyMapKpa } from '../../../server/engine/manifold-pressure.js';
import { createPrng } from '../../../server/engine/prng.js';
import { HP_RPM_CONSTANT, wotTorqueFtLb } from '../../../server/engine/torque-curve.js';
import { createScenarioVeTable } from '../../../server/engine/ve-scenario.js';
import { createVirtualEcu } from '../../../server/engine/virtual-ecu.js';
import {
  createAfrTargetTable,
  createBaselineVeTable,
  GRID_CELLS,
  VE_MAX,
  VE_MIN,
} from '../../../server/tuning/ve-grid.js';

describe('wotTorqueFtLb', () => {
  it.each(PROFILE_IDS)('%s: torque peaks at (tqPeakRpm, maxTq) and power at (hpPeakRpm, maxHp)', (id) => {
    const p = ENGINE_PROFILES[id];
    let bestTq = { rpm: 0, v: -1 };
    let bestHp = { rpm: 0, v: -1 };
    for (let rpm = p.idleRpm; rpm <= p.redlineRpm; rpm += 10) {
      const tq = wotTorqueFtLb(p, rpm);
      const hp = (tq * rpm) / HP_RPM_CONSTANT;
      if (tq > bestTq.v) bestTq = { rpm, v: tq };
      if (hp > bestHp.v) bestHp = { rpm, v: hp };
    }
    expect(bestTq.v).toBeCloseTo(p.maxTq, 6);
    expect(bestTq.rpm).toBe(p.tqPeakRpm);
    expect(bestHp.v).toBeCloseTo(p.maxHp, 6);
    expect(bestHp.rpm).toBe(p.hpPeakRpm);
  });

  it('is continuous (no step larger than 1 % between 10 rpm neighbours)', () => {
    const p = ENGINE_PROFILES.m8_131;
    for (let rpm = p.idleRpm + 10; rpm <= p.redlineRpm; rpm += 10) {
      const a = wotTorqueFtLb(p, rpm - 10);
      const b = wotTorqueFtLb(p, rpm);
      expect(Math.abs(b / a - 1)).toBeLessThan(0.01);
    }
  });
});

describe('saeJ1349Factor', () => {
  it('is 1 at the standard (25 °C, 99 kPa dry air) and grows on a hot, thin day', () => {
    expect(saeJ1349Factor({ tempC: 25, pressureKpa: 99, humidityPct: 0 })).toBeCloseTo(1, 6);
    expect(saeJ1349Factor(DEFAULT_ATMOSPHERE)).toBeCloseTo(0.991, 2);
    expect(saeJ1349Factor({ tempC: 40, pressureKpa: 85, humidityPct: 60 })).toBeGreaterThan(1.2);
    // Humid air carries less oxygen: more correction at the same total pressure.
    expect(saeJ1349Factor({ tempC: 30, pressureKpa: 100, humidityPct: 90 })).toBeGreaterThan(
      saeJ1349Factor({ tempC: 30, pressureKpa: 100, humidityPct: 10 }),
    );
  });

  it('converts the older system’s US inputs', () => {
    expect(inHgToKpa(29.92)).toBeCloseTo(101.32, 1);
    expect(fahrenheitToCelsius(75)).toBeCloseTo(23.89, 2);
  });
});

describe('steadyMapKpa', () => {
  it('rises with throttle, falls with rpm at part throttle, stays below barometric', () => {
    const p = ENGINE_PROFILES.m8_114;
    const at = (tps: number, rpm: number) => steadyMapKpa(p, tps, rpm, 100);
    expect(at(1, 900)).toBeGreaterThan(28);
    expect(at(1, 900)).toBeLessThan(40);
    expect(at(0, 5800)).toBeCloseTo(20, 0);
    expect(at(100, 3000)).toBeGreaterThan(95);
    expect(at(100, 3000)).toBeLessThan(100);
    for (const tps of [20, 40, 60, 80]) {
      expect(at(tps, 3000)).toBeGreaterThan(at(tps - 20, 3000));
      expect(at(tps, 5000)).toBeLessThan(at(tps, 2000));
    }
  });
});

describe('createPrng', () => {
  it('replays for a seed; gaussian has the asked mean and spread', () => {
    const a = createPrng(9);
    const b = createPrng(9);
    const xs = Array.from({ length: 20000 }, () => a.gaussian(3, 2));
    expect(Array.from({ length: 20000 }, () => b.gaussian(3, 2))).toEqual(xs);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
    expect(m).toBeCloseTo(3, 1);
    expect(sd).toBeCloseTo(2, 1);
    const r = createPrng(1);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(1, 0xfffe);
      expect(k).toBeGreaterThanOrEqual(1);
      expect(k).toBeLessThanOrEqual(0xfffe);
    }
  });
});

describe('createScenarioVeTable', () => {
  const base = createBaselineVeTable();
  const ratio = (t: Float64Array) => Array.from(t, (v, i) => v / base[i] - 1);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('perfect is the baseline; lean is ~10 % low, rich ~10 % high; seeded and clipped', () => {
    expect(createScenarioVeTable({ scenario: 'perfect' })).toEqual(base);
    expect(avg(ratio(createScenarioVeTable({ scenario: 'lean' })))).toBeCloseTo(-0.1, 1);
    expect(avg(ratio(createScenarioVeTable({ scenario: 'rich' })))).toBeCloseTo(0.1, 1);
    expect(createScenarioVeTable({ scenario: 'lean', seed: 3 })).toEqual(
      createScenarioVeTable({ scenario: 'lean', seed: 3 }),
    );
    expect(createScenarioVeTable({ scenario: 'lean', seed: 3 })).not.toEqual(
      createScenarioVeTable({ scenario: 'lean', seed: 4 }),
    );
    const wild = createScenarioVeTable({ scenario: 'custom', errorPct: 0, errorStd: 200 });
    expect(wild.length).toBe(GRID_CELLS);
    for (const v of wild) {
      expect(v).toBeGreaterThanOrEqual(VE_MIN);
      expect(v).toBeLessThanOrEqual(VE_MAX);
    }
    expect(() => createScenarioVeTable({ scenario: 'custom', errorStd: -1 })).toThrow(/errorStd -1/);
  });
});

describe('createVirtualEcu', () => {
  it('measured AFR = target × true VE / table VE, per cylinder', () => {
    const base = createBaselineVeTable();
    const low = base.map((v) => v * 0.9);
    const high = base.map((v) => v * 1.1);
    const ecu = createVirtualEcu({ veFront: low, veRear: high, afrTarget: createAfrTargetTable() });
    expect(ecu.targetAfr(3000, 100)).toBeCloseTo(12.5, 9);
    expect(ecu.targetAfr(3000, 20)).toBeCloseTo(14, 9);
    expect(ecu.mixtureAfr('front', 3000, 100)).toBeCloseTo(12.5 / 0.9, 6);
    expect(ecu.mixtureAfr('rear', 3000, 100)).toBeCloseTo(12.5 / 1.1, 6);
    expect(() => createVirtualEcu({ veFront: new Float64Array(3), veRear: base, afrTarget: base })).toThrow(
      /veFront: expected a GridTable of 99 cells, got 3/,
    );
  });
});

describe('profiles', () => {
  it('summaries are shaped like the older /simulator/profiles entries; unknown ids name the known ones', () => {
    expect(profileSummary(getEngineProfile('m8_114'))).toEqual({
      id: 'm8_114',
      name: 'M8-114 Stage 2',
      family: 'Milwaukee-Eight',
      displacement_ci: 114,
      idle_rpm: 900,
      redline_rpm: 5800,
      max_hp: 110,
      hp_peak_rpm: 5000,
      max_tq: 122,
      tq_peak_rpm: 3200,
    });
    expect(() => getEngineProfile('v8')).toThrow(/unknown engine profile "v8"; known: m8_114, m8_131/);
    expect(ENGINE_PROFILES.sportbike_600.gridRpmScale * 6500).toBeCloseTo(14500, 6);
  });
});
