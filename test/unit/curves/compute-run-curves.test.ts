import { describe, expect, it } from 'vitest';
import {
  computeRunCurves,
  CurvesError,
  DEFAULT_RUN_ATMOSPHERE,
  findCrossings,
  type RunCurves,
} from '../../../server/curves/index.js';
import { createPrng, getEngineProfile, PROFILE_IDS } from '../../../server/engine/index.js';
import { wotTorqueFtLb } from '../../../server/engine/torque-curve.js';
import { simRun } from './sim-run-series.js';

// The engine model's torque curve is what the dyno reads once SAE J1349-corrected (server/engine/README.md): a
// perfectly tuned pull, corrected, must give back the profile's own figures whatever the air it was made in.
const AIRS = [
  { name: 'default air', atmosphere: undefined },
  { name: 'hot and high (38 °C, 84 kPa, 20 % RH)', atmosphere: { tempC: 38, pressureKpa: 84, humidityPct: 20 } },
  { name: 'cold and humid (−5 °C, 103 kPa, 80 % RH)', atmosphere: { tempC: -5, pressureKpa: 103, humidityPct: 80 } },
];

type Profile = ReturnType<typeof getEngineProfile>;

/** The corrected curves of a perfectly tuned pull against the profile's figures and the model's torque curve. */
function expectModelFigures(c: RunCurves, p: Profile, label: string): void {
  const { power, torque } = c.peaks.smoothed;
  // Peak power: the profile's within 1 %, read where the model's power is within 0.5 % of its maximum and within 2 %
  // of the profile's peak rpm (the power curve is flat at its top: the sportbike's loses 0.5 % over ±250 rpm, so noise
  // moves its peak by a few bins; a Harley's stays within one).
  expect(Math.abs(power!.value / p.maxHp - 1), label).toBeLessThan(0.01);
  expect((wotTorqueFtLb(p, power!.rpm) * power!.rpm) / 5252 / p.maxHp, label).toBeGreaterThan(0.995);
  expect(Math.abs(power!.rpm / p.hpPeakRpm - 1), label).toBeLessThan(0.02);
  // Peak torque: the profile's within 1 %, read where the model's torque is within 0.5 % of its maximum (the torque
  // top is flat over several hundred rpm, so its rpm wanders with noise; the value must not).
  expect(Math.abs(torque!.value / p.maxTq - 1), label).toBeLessThan(0.01);
  expect(wotTorqueFtLb(p, torque!.rpm) / p.maxTq, label).toBeGreaterThan(0.995);
  // Every bin above 1.5 × idle (past the throttle opening) within 2 % of the model's curve.
  c.curves.x.forEach((x, i) => {
    if (c.curves.rpm[i] < 1.5 * p.idleRpm) return;
    const model = wotTorqueFtLb(p, c.curves.rpm[i]);
    expect(Math.abs(c.curves.torque[i] / model - 1), `${label} at ${x} rpm`).toBeLessThan(0.02);
  });
}

describe('computeRunCurves on simulated pulls (engine model, faster than real time)', () => {
  it('peaks and every bin match the model’s own torque curve, on every profile, seed and air', () => {
    for (const profileId of PROFILE_IDS) {
      AIRS.forEach(({ name, atmosphere }, seed) => {
        const label = `${profileId}, ${name}`;
        const { series, modelCf } = simRun({ profile: profileId, seed: seed + 1, atmosphere });
        const c = computeRunCurves(series, { correction: 'sae', smoothing: 2 });
        // The factor comes from the run's probe channels, and equals the model's (probe noise is small).
        expect(c.correction.factor, label).toBeCloseTo(modelCf, 3);
        expect(c.atmosphere.sources, label).toEqual({ tempC: 'run', pressureKpa: 'run', humidityPct: 'run' });
        expectModelFigures(c, getEngineProfile(profileId), label);
        // Uncorrected, the same pull reads the model's observed figures: corrected / cf.
        const raw = computeRunCurves(series, { correction: 'none', smoothing: 2 });
        expect(raw.peaks.smoothed.power!.value * modelCf, label).toBeCloseTo(c.peaks.smoothed.power!.value, 0);
      });
    }
  });

  it('gives back the profile’s peaks under SAE for any plausible air (seeded random airs, each standard consistent)', () => {
    const rng = createPrng(2026);
    for (let i = 0; i < 8; i++) {
      const atmosphere = {
        tempC: -10 + 50 * rng.next(),
        pressureKpa: 75 + 30 * rng.next(),
        humidityPct: 100 * rng.next(),
      };
      const profileId = PROFILE_IDS[i % PROFILE_IDS.length];
      const label = `${profileId} at ${JSON.stringify(atmosphere)}`;
      const { series } = simRun({ profile: profileId, seed: 100 + i, atmosphere });
      const sae = computeRunCurves(series, { correction: 'sae', smoothing: 2 });
      expectModelFigures(sae, getEngineProfile(profileId), label);
      // Every other standard scales the same bins by its own factor: curves differ by the ratio of the factors.
      for (const standard of ['std', 'din', 'eec', 'none'] as const) {
        const other = computeRunCurves(series, { correction: standard, smoothing: 2 });
        const ratio = other.correction.factor / sae.correction.factor;
        expect(other.curves.power[40] / sae.curves.power[40], `${label} ${standard}`).toBeCloseTo(ratio, 9);
      }
    }
  });

  it('power and torque cross at 5252 rpm in imperial units (within a bin)', () => {
    for (const profile of ['m8_114', 'sportbike_600'] as const) {
      const c = computeRunCurves(simRun({ profile }).series, { units: 'imperial', smoothing: 1 });
      const crossings = findCrossings(c.curves.x, c.curves.power, c.curves.torque);
      expect(crossings, profile).toHaveLength(1);
      expect(Math.abs(crossings[0] - 5252), profile).toBeLessThan(50);
    }
    // In kW and N·m they cross at 60000 / 2π ≈ 9549 rpm instead.
    const metric = computeRunCurves(simRun({ profile: 'sportbike_600' }).series, { units: 'metric', smoothing: 1 });
    const [crossing] = findCrossings(metric.curves.x, metric.curves.power, metric.curves.torque);
    expect(Math.abs(crossing - 9549)).toBeLessThan(50);
  });

  it('keeps the raw points and reports peaks from the raw bins too', () => {
    const { series, frames } = simRun();
    const c = computeRunCurves(series, { smoothing: 3 });
    const pulling = frames.filter((f) => f.powerKw > 0).length;
    expect(c.points.rpm.length).toBeGreaterThan(100);
    expect(c.points.rpm.length).toBeLessThanOrEqual(pulling);
    expect(c.curves.count.reduce((a, b) => a + b, 0)).toBe(c.points.rpm.length);
    expect(c.raw.x).toEqual(c.curves.x);
    expect(c.peaks.raw.power!.value).toBe(Math.max(...c.raw.power));
    expect(c.curves.x.every((x) => x % 50 === 0)).toBe(true);
  });

  it('gives AFR per bank against RPM, near the ECU’s WOT target', () => {
    const c = computeRunCurves(simRun().series);
    expect(Object.keys(c.curves.mixture).sort()).toEqual(['afr_front', 'afr_rear', 'lambda_front']);
    const front = c.curves.mixture.afr_front!.filter((_, i) => c.curves.rpm[i] > 2000);
    for (const afr of front) expect(afr).toBeGreaterThan(11.5);
    for (const afr of front) expect(afr).toBeLessThan(14);
  });

  it('draws against road speed in mph or km/h', () => {
    const { series } = simRun();
    const mph = computeRunCurves(series, { x: 'speed', units: 'imperial' });
    const kmh = computeRunCurves(series, { x: 'speed', units: 'metric' });
    expect(mph.units.speed).toBe('mph');
    expect(mph.curves.x.at(-1)! / kmh.curves.x.at(-1)!).toBeCloseTo(0.6214, 1);
    expect(mph.peaks.smoothed.power!.value).toBeCloseTo(computeRunCurves(series).peaks.smoothed.power!.value, -1);
  });

  it('corrects against the documented default air, flagged, when the run has no probe', () => {
    const { series } = simRun({ withoutProbe: true, atmosphere: { tempC: 38, pressureKpa: 84 } });
    const c = computeRunCurves(series, { correction: 'sae' });
    expect(c.atmosphere).toMatchObject({ ...DEFAULT_RUN_ATMOSPHERE, defaulted: true });
    expect(c.correction.inputs.tempC).toBe(DEFAULT_RUN_ATMOSPHERE.tempC);
    const given = computeRunCurves(series, { atmosphere: { tempC: 38, pressureKpa: 84, humidityPct: 50 } });
    expect(given.atmosphere.sources).toBe('given');
    expect(given.correction.factor).toBeGreaterThan(1.2);
  });

  it('computes power from torque (or torque from power) when the run has only one', () => {
    const { series } = simRun();
    const full = computeRunCurves(series);
    const noPower = { channels: series.channels.filter((ch) => ch.quantity !== 'power') };
    const c = computeRunCurves(noPower);
    expect(c.sources.power).toBe('computed from Torque');
    expect(c.peaks.smoothed.power!.value).toBeCloseTo(full.peaks.smoothed.power!.value, 0);
  });

  it('refuses a run without rpm, without power and torque, or without a pull; and bad options, naming them', () => {
    const { series } = simRun();
    const without = (...q: string[]) => ({ channels: series.channels.filter((ch) => !q.includes(ch.quantity ?? '')) });
    expect(() => computeRunCurves(without('rpm'))).toThrow(/no channel mapped to rpm/);
    expect(() => computeRunCurves(without('power', 'torque'))).toThrow(/no channel mapped to power or torque/);
    const idle = { channels: series.channels.map((ch) => ({ ...ch, v: ch.v.map(() => 0) })) };
    expect(() => computeRunCurves(idle)).toThrow(/no stretch of positive power/);
    expect(() => computeRunCurves(series, { x: 'speed', binWidth: 100 })).toThrow(/^binWidth: must be 0.1–20/);
    const bad = { correction: 'ece' } as unknown as Parameters<typeof computeRunCurves>[1];
    expect(() => computeRunCurves(series, bad)).toThrow(CurvesError);
  });
});
