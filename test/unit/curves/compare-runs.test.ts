import { describe, expect, it } from 'vitest';
import { compareRuns, MAX_COMPARE_RUNS } from '../../../server/curves/index.js';
import { createScenarioVeTable, createVirtualEcu } from '../../../server/engine/index.js';
import { createAfrTargetTable } from '../../../server/tuning/index.js';
import { simRun } from './sim-run-series.js';

describe('compareRuns', () => {
  it('a run compared with itself has zero deltas in every bin and at the peaks', () => {
    const { series } = simRun();
    const cmp = compareRuns(
      [
        { id: 'a', series },
        { id: 'a-again', series },
      ],
      { correction: 'sae', smoothing: 2 },
    );
    expect(cmp.deltas).toHaveLength(1);
    const [d] = cmp.deltas;
    expect(d.power.every((v) => v === 0)).toBe(true);
    expect(d.torque.every((v) => v === 0)).toBe(true);
    expect(d.peakPower).toEqual({ value: 0, rpm: 0 });
    expect(d.peakTorque).toEqual({ value: 0, rpm: 0 });
  });

  it('aligns runs of different ranges on one grid, null where a run has no bin', () => {
    const full = simRun({ profile: 'm8_114' }).series;
    const short = simRun({ profile: 'm8_114', seed: 5 }).series;
    // Keep only the first quarter of the second run's samples: its curve ends early.
    const cut = {
      channels: short.channels.map((c) => ({ ...c, t: c.t.slice(0, c.t.length / 4), v: c.v.slice(0, c.v.length / 4) })),
    };
    const cmp = compareRuns([
      { id: 'full', series: full },
      { id: 'cut', series: cut },
    ]);
    const [a, b] = cmp.runs;
    expect(cmp.x).toEqual([...cmp.x].sort((p, q) => p - q));
    expect(a.power.length).toBe(cmp.x.length);
    expect(b.power.length).toBe(cmp.x.length);
    const last = b.power.reduce<number>((at, v, i) => (v === null ? at : i), -1);
    expect(last).toBeLessThan(cmp.x.length - 1);
    expect(cmp.deltas[0].power.slice(last + 1).every((v) => v === null)).toBe(true);
    // Where both have a bin, the delta is the difference of the aligned values.
    const i = 40;
    expect(cmp.deltas[0].power[i]).toBeCloseTo(b.power[i]! - a.power[i]!, 12);
  });

  it('a lean engine reads less power than the tuned one: negative deltas at the peak', () => {
    const tuned = simRun().series;
    // ECU tables 15 % below the engine's real VE: it runs lean, and lean costs power (the model's lambda curve).
    const table = () => createScenarioVeTable({ scenario: 'lean', errorPct: -15, errorStd: 0 });
    const ecu = createVirtualEcu({ veFront: table(), veRear: table(), afrTarget: createAfrTargetTable() });
    const lean = simRun({ ecu }).series;
    const cmp = compareRuns(
      [
        { id: 'tuned', series: tuned },
        { id: 'lean', series: lean },
      ],
      { smoothing: 2 },
    );
    expect(cmp.deltas[0].peakPower!.value).toBeLessThan(-1);
  });

  it('takes 1 to 8 runs', () => {
    const { series } = simRun();
    expect(compareRuns([{ id: 'one', series }]).deltas).toEqual([]);
    const nine = Array.from({ length: MAX_COMPARE_RUNS + 1 }, (_, i) => ({ id: String(i), series }));
    expect(() => compareRuns(nine)).toThrow(/^ids: compare takes 1–8 runs, got 9/);
    expect(() => compareRuns([])).toThrow(/got 0/);
  });
});
