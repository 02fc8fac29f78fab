import { describe, expect, it } from 'vitest';
import { CurvesError, findPeak, MAX_SMOOTHING, smoothCurve } from '../../../server/curves/index.js';
import { getEngineProfile, PROFILE_IDS } from '../../../server/engine/index.js';
import { wotTorqueFtLb } from '../../../server/engine/torque-curve.js';

// Clean curves: every profile's own WOT torque and power curves, binned at 50 rpm from idle to redline.
function cleanCurves(): { name: string; x: number[]; y: number[] }[] {
  return PROFILE_IDS.flatMap((id) => {
    const p = getEngineProfile(id);
    const x: number[] = [];
    for (let rpm = Math.ceil(p.idleRpm / 50) * 50; rpm <= p.redlineRpm; rpm += 50) x.push(rpm);
    const torque = x.map((rpm) => wotTorqueFtLb(p, rpm));
    const power = x.map((rpm, i) => (torque[i] * rpm) / 5252);
    return [
      { name: `${id} torque`, x, y: torque },
      { name: `${id} power`, x, y: power },
    ];
  });
}

const peakIndex = (y: readonly number[]) => y.indexOf(Math.max(...y));

describe('smoothCurve', () => {
  it('level 0 is the raw curve', () => {
    const y = [1, 5, 2, 8, 3];
    expect(smoothCurve(y, 0)).toEqual(y);
  });

  it('never moves a clean curve’s peak by more than one bin, at any level', () => {
    for (const { name, y } of cleanCurves()) {
      for (let level = 1; level <= MAX_SMOOTHING; level++) {
        const moved = Math.abs(peakIndex(smoothCurve(y, level)) - peakIndex(y));
        expect(moved, `${name} level ${level}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('removes a one-bin spike at every level ≥ 1', () => {
    const [{ y }] = cleanCurves();
    const spiked = [...y];
    const at = 20;
    spiked[at] *= 1.3;
    for (let level = 1; level <= MAX_SMOOTHING; level++) {
      const smoothed = smoothCurve(spiked, level);
      // Within 0.5 % of the clean curve at the spike and its neighbours: the spike is gone, not spread.
      for (const i of [at - 1, at, at + 1]) {
        expect(Math.abs(smoothed[i] / y[i] - 1), `level ${level} bin ${i}`).toBeLessThan(0.005);
      }
    }
    expect(smoothCurve(spiked, 0)[at]).toBe(spiked[at]);
  });

  it('keeps a quartic exactly (the fit is a quartic), away from the ends', () => {
    const y = Array.from({ length: 40 }, (_, i) => 3 + 0.5 * i - 0.02 * i ** 2 + 1e-4 * i ** 3 - 2e-6 * i ** 4);
    for (let level = 1; level <= MAX_SMOOTHING; level++) {
      smoothCurve(y, level).forEach((v, i) => {
        expect(v, `level ${level} bin ${i}`).toBeCloseTo(y[i], 9);
      });
    }
  });

  it('reduces noise more at higher levels', () => {
    const [{ y }] = cleanCurves();
    let seed = 7;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    const noisy = y.map((v) => v + 4 * noise());
    const rms = (s: number[]) => Math.sqrt(s.reduce((sum, v, i) => sum + (v - y[i]) ** 2, 0) / s.length);
    const errors = [0, 1, 3, 5].map((level) => rms(smoothCurve(noisy, level)));
    expect(errors[1]).toBeLessThan(errors[0]);
    expect(errors[2]).toBeLessThan(errors[1]);
    expect(errors[3]).toBeLessThan(errors[2]);
  });

  it('keeps a bin whose window holds a gap (NaN) as it is', () => {
    const y = [1, 2, 3, Number.NaN, 5, 6, 7, 8, 9];
    const s = smoothCurve(y, 2);
    expect(s[3]).toBeNaN();
    expect(s[2]).toBe(3);
  });

  it('refuses a level outside 0–5, naming the option', () => {
    for (const level of [-1, 6, 1.5]) {
      expect(() => smoothCurve([1, 2, 3], level)).toThrow(CurvesError);
      expect(() => smoothCurve([1, 2, 3], level)).toThrow(/^smoothing: must be a whole number 0–5/);
    }
  });
});

describe('findPeak', () => {
  it('is the highest finite value with its x, null for none', () => {
    expect(findPeak([1, 2, 3], [5, Number.NaN, 7])).toEqual({ value: 7, x: 3 });
    expect(findPeak([1], [Number.NaN])).toBeNull();
  });
});
