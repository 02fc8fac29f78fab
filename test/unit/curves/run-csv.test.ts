import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  computeRunCurves,
  type CsvImport,
  CurvesError,
  exportCurveCsv,
  exportTimeCsv,
  importRunCsv,
  type RunSeries,
} from '../../../server/curves/index.js';
import { binsPastResamplingBound } from '../../support/resampling-bound.js';
import { simRun } from './sim-run-series.js';

/** The error a call throws, asserted to be the module's CurvesError. */
function refusal(run: () => unknown): CurvesError {
  let caught: unknown = null;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CurvesError);
  return caught as CurvesError;
}

describe('CSV time export', () => {
  it('writes every channel at a fixed 50 ms step with units in the header', () => {
    const { series } = simRun({ dtS: 0.02 });
    const lines = exportTimeCsv(series).trimEnd().split('\n');
    expect(lines[0]).toBe('# jetdrive-hub time export v1');
    expect(lines[1].split(',')).toEqual(['#quantity', ...series.channels.map((c) => c.quantity ?? '')]);
    expect(lines[2].split(',').slice(0, 5)).toEqual([
      'Time (s)',
      'Digital RPM 1 (RPM)',
      'Digital RPM 2 (RPM)',
      'Force Drum 1 (N)',
      'Power (kW)',
    ]);
    const times = lines.slice(3).map((l) => Number(l.split(',')[0]));
    for (let i = 1; i < times.length; i++) expect(Math.round((times[i] - times[i - 1]) * 1000)).toBe(50);
    const t = series.channels[0].t;
    expect(times.length).toBe(Math.floor((t[t.length - 1] - Math.ceil(t[0] / 50) * 50) / 50) + 1);
  });
});

describe('export → import → compare', () => {
  it('gives back the same curves within rounding (a run sampled at 50 ms)', () => {
    const { series } = simRun({ dtS: 0.05 });
    const back = importRunCsv(exportTimeCsv(series));
    expect(back.format).toBe('jetdrive-hub');
    expect(back.series.channels.map((c) => [c.name, c.quantity, c.unit])).toEqual(
      series.channels.map((c) => [c.name, c.quantity, c.unit]),
    );
    const options = { correction: 'sae', smoothing: 2 } as const;
    const cmp = compareRuns(
      [
        { id: 'original', series },
        { id: 'imported', series: back.series },
      ],
      options,
    );
    const [d] = cmp.deltas;
    const peak = cmp.runs[0].curves.peaks.smoothed.power!.value;
    // 7 significant digits in the file: deltas at the 1e-5 hp level.
    for (const v of [...d.power, ...d.torque]) expect(Math.abs(v ?? 0)).toBeLessThan(peak * 1e-6);
    expect(Math.abs(d.peakPower!.value)).toBeLessThan(1e-4);
    expect(d.peakPower!.rpm).toBeCloseTo(0, 2);
    expect(cmp.runs[1].curves.correction.factor).toBeCloseTo(cmp.runs[0].curves.correction.factor, 6);
  });

  it('a 50 Hz run resampled to 50 ms keeps its peaks within 0.5 %', () => {
    const { series } = simRun({ dtS: 0.02 });
    const original = computeRunCurves(series, { smoothing: 2 });
    const back = computeRunCurves(importRunCsv(exportTimeCsv(series)).series, { smoothing: 2 });
    for (const k of ['power', 'torque'] as const) {
      const a = original.peaks.smoothed[k]!.value;
      expect(Math.abs(back.peaks.smoothed[k]!.value / a - 1), k).toBeLessThan(0.005);
    }
  });

  /** The run and its export imported back, compared (SAE, no smoothing): the bins past resampling, the top bins' Δ. */
  function roundTrip(series: RunSeries) {
    const back = importRunCsv(exportTimeCsv(series)).series;
    const cmp = compareRuns([
      { id: 'run', series },
      { id: 'copy', series: back },
    ]);
    const run = cmp.runs[0].curves;
    const peak = run.peaks.raw.power!.value;
    const past = binsPastResamplingBound({
      x: cmp.x,
      delta: cmp.deltas[0].power,
      points: run.points,
      binWidth: 50,
      peak,
    });
    const common = cmp.deltas[0].power.filter((d): d is number => d !== null);
    return { run, peak, past, common, topDelta: common[common.length - 1] };
  }

  it('a 50 Hz run with idle before and the brake after agrees in every bin, the pull’s top included', () => {
    // The hub's recording: idle, the pull, then the brake (power from +78 kW to −197 kW in one 20 ms step). With the
    // export's grid 1 ms after the last pulling sample, the file holds a point between the two (+71 kW at top RPM):
    // the whole top bin of the copy, 10 % of the peak under the run's, until the pull's edge samples were left out.
    const { series: plain } = simRun({ idleBeforeS: 1, seed: 2 });
    const power = plain.channels.find((c) => c.quantity === 'power')!;
    let last = power.v.indexOf(Math.max(...power.v));
    while (power.v[last + 1] > 0) last++;
    expect(power.v[last + 1], 'the brake comes on within one sample').toBeLessThan(-100);
    const offsetMs = 50 - ((power.t[last] + 1) % 50);
    const { series } = simRun({ idleBeforeS: 1, seed: 2, timeOffsetMs: offsetMs });
    const csv = exportTimeCsv(series);
    const straddling = csv.split('\n').find((l) => Number(l.split(',')[0]) * 1000 === power.t[last] + offsetMs + 1);
    expect(straddling, 'a row between the last pulling and the first braking sample').toBeDefined();

    const r = roundTrip(series);
    expect(r.past).toEqual([]);
    expect(r.common.length).toBeGreaterThan(r.run.curves.x.length * 0.9);
    expect(Math.abs(r.topDelta)).toBeLessThan(r.peak * 0.01);
  });

  it('agrees in every bin within what resampling explains, over profiles, seeds and clock phases', () => {
    const profiles = ['m8_114', 'm8_131', 'twin_cam_103', 'sportbike_600'] as const;
    const runs = profiles.flatMap((profile, i) => [7, 31].map((phase) => ({ profile, seed: i + 3, phase })));
    for (const { profile, seed, phase } of runs) {
      const { series } = simRun({ profile, seed, idleBeforeS: 0.5, timeOffsetMs: phase + 0.37 });
      const r = roundTrip(series);
      expect(r.past, `${profile} seed ${seed} phase ${phase}`).toEqual([]);
      expect(r.common.length).toBeGreaterThan(r.run.curves.x.length * 0.9);
    }
  });

  it('keeps names with commas and quotes', () => {
    const t = Float64Array.from([0, 50, 100]);
    const series: RunSeries = {
      channels: [{ name: 'Odd, "quoted" name', quantity: null, unit: 'V', t, v: Float64Array.from([1, 2, 3]) }],
    };
    const back = importRunCsv(exportTimeCsv(series)).series.channels[0];
    expect([back.name, back.unit, Array.from(back.v)]).toEqual(['Odd, "quoted" name', 'V', [1, 2, 3]]);
  });
});

/** The simulated pull as a third-party program writes it: imperial units, its own names, a time column in s. */
function thirdPartyCsv(series: RunSeries): string {
  const col = (q: string) => series.channels.find((c) => c.quantity === q)!;
  const rpm = col('rpm');
  const rows = [
    'Time (s),Engine RPM (rpm),Power (hp),Torque (ft-lb),Speed (mph),AFR 1 (AFR),Air Temp (F),Baro (inHg),Humidity (%)',
  ];
  const probe = (q: string, i: number) => col(q).v[i];
  for (let i = 0; i < rpm.t.length; i++) {
    rows.push(
      [
        (rpm.t[i] / 1000).toFixed(3),
        rpm.v[i].toFixed(1),
        (col('power').v[i] * 1.34102209).toFixed(3),
        (col('torque').v[i] * 0.737562149).toFixed(3),
        (col('speed').v[i] * 0.621371192).toFixed(3),
        col('afr_front').v[i].toFixed(2),
        (probe('ambient_temp', i) * 1.8 + 32).toFixed(2),
        (probe('baro', i) / 3.386389).toFixed(3),
        probe('humidity', i).toFixed(1),
      ].join(','),
    );
  }
  return `${rows.join('\r\n')}\r\n`;
}

describe('CSV import of a third-party layout', () => {
  it('reads a time column and named channels with units, guesses their quantities, and gives the same curves', () => {
    const { series } = simRun({ atmosphere: { tempC: 32, pressureKpa: 95, humidityPct: 40 } });
    const imported: CsvImport = importRunCsv(thirdPartyCsv(series));
    expect(imported.format).toBe('generic');
    expect(imported.series.channels.map((c) => c.quantity)).toEqual([
      'rpm',
      'power',
      'torque',
      'speed',
      'afr_front',
      'ambient_temp',
      'baro',
      'humidity',
    ]);
    expect(imported.counts).toMatchObject({ rows: series.channels[0].t.length, columns: 8, blankCells: 0 });
    const a = computeRunCurves(series, { correction: 'sae', smoothing: 2 });
    const b = computeRunCurves(imported.series, { correction: 'sae', smoothing: 2 });
    expect(b.atmosphere.sources).toEqual(a.atmosphere.sources);
    expect(b.correction.factor).toBeCloseTo(a.correction.factor, 4);
    expect(b.peaks.smoothed.power!.value).toBeCloseTo(a.peaks.smoothed.power!.value, 1);
    expect(b.peaks.smoothed.torque!.value).toBeCloseTo(a.peaks.smoothed.torque!.value, 1);
  });

  it('takes a resolver for quantities (the hub’s mapping) and counts blank cells', () => {
    const text = 'Time (ms),Weird (x),RPM (rpm)\n0,1,1000\n20,,1100\n40,3,\n';
    const seen: string[] = [];
    const { series, counts } = importRunCsv(text, {
      resolveQuantity: (name, unit) => {
        seen.push(`${name}|${unit}`);
        return name === 'Weird' ? 'map' : null;
      },
    });
    expect(seen).toEqual(['Weird|x', 'RPM|rpm']);
    expect(series.channels.map((c) => [c.quantity, Array.from(c.t), Array.from(c.v)])).toEqual([
      ['map', [0, 40], [1, 3]],
      [null, [0, 20], [1000, 1100]],
    ]);
    expect(counts).toEqual({ bytes: text.length, rows: 3, columns: 2, blankCells: 2 });
  });
});

describe('CSV import refusals name the row and the column', () => {
  const cases: [string, string, RegExp, { row: number; column: number }][] = [
    [
      'a word in a value',
      'Time (s),RPM (rpm)\n0,1000\n0.02,fast\n',
      /^row 3, column 2 \(RPM \(rpm\)\): "fast" is not a number/,
      { row: 3, column: 2 },
    ],
    [
      'a missing value',
      'Time (s),RPM (rpm),Power (hp)\n0,1000,5\n0.02,1100\n',
      /^row 3, column 3 \(Power \(hp\)\): missing/,
      { row: 3, column: 3 },
    ],
    ['an extra value', 'Time (s),RPM (rpm)\n0,1000,7\n', /^row 2, column 3: extra value/, { row: 2, column: 3 }],
    [
      'time going back',
      'Time (s),RPM (rpm)\n0,1000\n0.04,1100\n0.02,1200\n',
      /^row 4, column 1 \(Time \(s\)\): time must rise/,
      { row: 4, column: 1 },
    ],
    ['no time column', 'RPM (rpm),Power (hp)\n1000,5\n', /^row 1, column 1: no time column/, { row: 1, column: 1 }],
    [
      'a time unit that is not time',
      'Time (rpm),RPM (rpm)\n0,1000\n',
      /^row 1, column 1 \(Time \(rpm\)\): time unit "rpm"/,
      { row: 1, column: 1 },
    ],
    ['an unclosed quote', 'Time (s),RPM (rpm)\n0,"1000\n', /^row 2, column 2: unclosed quote/, { row: 2, column: 2 }],
    ['no data', 'Time (s),RPM (rpm)\n', /^row 2, column 1: no data rows/, { row: 2, column: 1 }],
    ['an empty file', '', /^row 1, column 1: no header row/, { row: 1, column: 1 }],
  ];
  for (const [what, text, message, at] of cases) {
    it(`refuses ${what}`, () => {
      const e = refusal(() => importRunCsv(text));
      expect(e.code).toBe('CSV_INVALID');
      expect(e.status).toBe(400);
      expect(e.message).toMatch(message);
      expect(e.details).toMatchObject(at);
    });
  }

  it('is bounded in bytes, rows, columns and values held (CSV_TOO_LARGE, 413), stopping where the limit is passed', () => {
    const rows = ['Time (s),A (V),B (V)', ...Array.from({ length: 50 }, (_, i) => `${i},1,2`)].join('\n');
    const tooManyRows = refusal(() => importRunCsv(rows, { limits: { maxRows: 10 } }));
    expect([tooManyRows.code, tooManyRows.status]).toEqual(['CSV_TOO_LARGE', 413]);
    expect(tooManyRows.message).toBe('row 12, column 1: more than 10 data rows');
    const tooManyColumns = refusal(() => importRunCsv(rows, { limits: { maxColumns: 1 } }));
    expect(tooManyColumns.message).toBe('row 1, column 3: more than 2 columns');
    const tooBig = refusal(() => importRunCsv(rows, { limits: { maxBytes: 100 } }));
    expect(tooBig.message).toBe(`the file is ${rows.length} bytes; the limit is 100`);
    expect(importRunCsv(rows, { limits: { maxRows: 50, maxColumns: 2, maxBytes: rows.length } }).counts.rows).toBe(50);
    // Rows of two values each: the 21st value held is on row 12 (10 full rows after the header on line 1), column 2.
    const tooManyValues = refusal(() => importRunCsv(rows, { limits: { maxValues: 20 } }));
    expect(tooManyValues.message).toBe('row 12, column 2 (A (V)): more than 20 values in the file');
    const preamble = refusal(() => importRunCsv(`${'# note\n'.repeat(9)}${rows}`));
    expect(preamble.message).toBe("row 9, column 1: more than 8 '#' lines");
  });
});

describe('curve export', () => {
  it('writes RPM bins × power / torque / AFR under the correction and smoothing, saying which', () => {
    const c = computeRunCurves(simRun().series, { correction: 'din', smoothing: 3 });
    const lines = exportCurveCsv(c).trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^# jetdrive-hub curve export v1; correction DIN 70020 factor \d\.\d{4} \(.* °C, .* kPa, .* % RH; from the run\); smoothing 3; x rpm bin 50$/,
    );
    expect(lines[1]).toBe('RPM (RPM),Power (hp),Torque (ft·lb),AFR front (AFR),AFR rear (AFR),Lambda front (λ),Points');
    expect(lines.length - 2).toBe(c.curves.x.length);
    const row = lines[2 + 30].split(',').map(Number);
    expect(row[0]).toBe(c.curves.x[30]);
    expect(row[1]).toBeCloseTo(c.curves.power[30], 4);
    expect(row[2]).toBeCloseTo(c.curves.torque[30], 4);
    expect(row[6]).toBe(c.curves.count[30]);
  });
});
