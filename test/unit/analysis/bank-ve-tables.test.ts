import { describe, expect, it } from 'vitest';
import { parseAnalysisStart } from '../../../server/analysis/parse-analysis-start.js';
import type { SampleBatch } from '../../../server/channels/index.js';
import { DEFAULT_VE_ANALYSIS_SETTINGS, VeAnalysis } from '../../../server/tuning/index.js';
import { fakeAnalysisRegistry as registry, HOST } from '../../support/analysis-registry-fixture.js';

// One VE table per bank (a V-twin's front and rear cylinders): each bank's suggestion scales its own table, its
// export writes its own table where nothing is suggested, and the start body's per-bank tables are checked by name
// and axes. Without per-bank tables every bank shares one table, as before.

/** Rows rpm, columns MAP, in the given VE values (row-major). */
const table = (values: number[]): string => {
  const row = (from: number) => values.slice(from, from + 3).map((v) => v.toFixed(1));
  return `rpm\\map,40,60,80\n2000,${row(0)}\n3000,${row(3)}\n4000,${row(6)}\n`;
};
const FRONT = [50, 55, 60, 60, 65, 70, 70, 75, 80];
// Proportional, so the bilinear fit (linear in the table) must give the same change on both.
const REAR = FRONT.map((v) => v * 1.2);

/** One datagram: rpm, MAP, TPS and both AFRs at time t. */
function frame(t: number, rpm: number, map: number, front: number, rear: number): SampleBatch {
  const rows: [number, number][] = [
    [1, rpm],
    [11, map],
    [12, 50],
    [8, front],
    [9, rear],
  ];
  return {
    providerId: HOST,
    receivedAt: 0,
    count: rows.length,
    keys: rows.map(([id]) => `${HOST}:${id}`),
    channelIds: Uint16Array.from(rows, ([id]) => id),
    times: new Float64Array(rows.length).fill(t),
    values: Float32Array.from(rows, ([, v]) => v),
    providerTs: new Uint32Array(rows.length),
  };
}

describe('per-bank VE tables', () => {
  it('the core scales each bank’s own table: same mixture error, same change, suggestions on different tables', () => {
    const axes = { rpm: [2000, 3000, 4000], load: [40, 60, 80] };
    for (const weighting of ['nearest', 'bilinear'] as const) {
      const core = new VeAnalysis({
        axes,
        veTable: FRONT,
        bankVeTables: [null, REAR],
        afrTarget: new Array(9).fill(13),
        banks: 2,
        settings: {
          ...DEFAULT_VE_ANALYSIS_SETTINGS,
          weighting,
          warmupTempC: null,
          lagMs: 0,
          steadyWindowMs: 0,
          minHits: 1,
        },
      });
      expect(core.veTables[0]).toBe(core.veTable);
      for (let i = 0; i < 20; i++) {
        core.push({ t: i * 20, rpm: 2600 + i * 20, load: 55, tps: 50, engineTempC: 90, afr: [13.65, 13.65] });
      }
      const [front, rear] = core.results();
      const suggested = [...front.suggestedVe.keys()].filter((k) => Number.isFinite(front.suggestedVe[k]));
      expect(suggested.length).toBeGreaterThan(0);
      for (const k of suggested) {
        expect(rear.changePct[k]).toBeCloseTo(front.changePct[k], 6);
        expect(rear.suggestedVe[k] / REAR[k]).toBeCloseTo(front.suggestedVe[k] / FRONT[k], 6);
      }
    }
  });

  it('takes a table per bank in the start body: summary, grid and exports per bank', () => {
    const r = registry();
    const summary = r.start(
      parseAnalysisStart({
        provider: 'Power Core',
        load: 'map',
        veTableCsv: table(FRONT),
        bankVeTablesCsv: { rear: table(REAR) },
        weighting: 'nearest',
        minHits: 1,
        lagMs: 0,
        steadyWindowMs: 0,
      }),
    );
    expect(summary.bankVeTables).toEqual(['rear']);
    const grid = r.grid(summary.id);
    expect(grid.veTables).toEqual([FRONT, REAR]);
    expect(grid.veTable).toEqual(FRONT);
    // Untouched: each bank's export is its own table.
    expect(r.exportTable(summary.id, 'suggested', 'front').csv).toBe(table(FRONT));
    expect(r.exportTable(summary.id, 'suggested', 'rear').csv).toBe(table(REAR));
    // 10 % lean on both banks at 3000 rpm / 60 kPa (target 13.25 at 60 kPa on the default target table).
    for (let i = 0; i < 3; i++) r.samples$.next(frame(i * 20, 3000, 60, 13.25 * 1.1, 13.25 * 1.1));
    const rear = r.exportTable(summary.id, 'suggested', 'rear').csv.split('\n')[2].split(',');
    const front = r.exportTable(summary.id, 'suggested', 'front').csv.split('\n')[2].split(',');
    expect(Number(front[2])).toBeCloseTo(65 * 1.1, 1);
    expect(Number(rear[2])).toBeCloseTo(78 * 1.1, 1);
    expect(r.exportTable(summary.id, 'diff', 'rear').csv.split('\n')[2].split(',')[2]).toBe('10.00');
  });

  it('only per-bank tables: every bank needs one; a bank name it lacks and other axes are refused by field', () => {
    const r = registry();
    const both = r.start(
      parseAnalysisStart({
        provider: 'Power Core',
        load: 'map',
        bankVeTablesCsv: { front: table(FRONT), rear: table(REAR) },
      }),
    );
    expect(both.bankVeTables).toEqual(['front', 'rear']);
    expect(both.veTableSource).toBe('csv');
    r.remove(both.id);
    const start = (bankVeTablesCsv: Record<string, string>, veTableCsv?: string) => () =>
      r.start(
        parseAnalysisStart({
          provider: 'Power Core',
          load: 'map',
          bankVeTablesCsv,
          ...(veTableCsv ? { veTableCsv } : {}),
        }),
      );
    expect(start({ front: table(FRONT) })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        field: 'bankVeTablesCsv',
        message: expect.stringMatching(/bank "rear" has no table/),
      }),
    );
    expect(start({ middle: table(FRONT) }, table(FRONT))).toThrow(
      expect.objectContaining({
        field: 'bankVeTablesCsv.middle',
        message: expect.stringMatching(/not a bank of this analysis \(front, rear\)/),
      }),
    );
    const otherAxes = 'rpm\\map,40,60\n2000,50,55\n3000,60,65\n';
    expect(start({ rear: otherAxes }, table(FRONT))).toThrow(
      expect.objectContaining({
        field: 'bankVeTablesCsv.rear',
        message: expect.stringMatching(/axes differ from the veTableCsv/),
      }),
    );
    expect(r.list()).toEqual([]);
  });
});
