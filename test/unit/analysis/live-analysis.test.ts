import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AnalysisStartRequest } from '@jetdrive-hub/client/contract';
import { analysisSettingsOf, analysisTablesOf } from '../../../server/analysis/analysis-tables.js';
import { GridPublisher } from '../../../server/analysis/grid-publisher.js';
import { LiveAnalysis } from '../../../server/analysis/live-analysis.js';
import type { SampleBatch } from '../../../server/channels/index.js';

// A LiveAnalysis fed from a hand-made stream of sample batches (what the registry or a replayed run emits), and the
// publisher's deltas of its grid.

const HOST = 0x43fd;
const KEYS = {
  rpm: `${HOST}:1`,
  map: `${HOST}:11`,
  tps: `${HOST}:12`,
  ect: `${HOST}:13`,
  front: `${HOST}:8`,
  rear: `${HOST}:10`,
};

function batch(rows: [string, number, number][], providerId = HOST): SampleBatch {
  return {
    providerId,
    receivedAt: 0,
    count: rows.length,
    keys: rows.map((r) => r[0]),
    channelIds: new Uint16Array(rows.length),
    times: Float64Array.from(rows, (r) => r[1]),
    values: Float32Array.from(rows, (r) => r[2]),
    providerTs: new Uint32Array(rows.length),
  };
}

function start(request: Partial<AnalysisStartRequest> = {}) {
  const samples$ = new Subject<SampleBatch>();
  const full: AnalysisStartRequest = {
    provider: 'Power Core',
    load: 'map',
    lagMs: 0,
    steadyWindowMs: 0,
    minHits: 1,
    weighting: 'nearest',
    ...request,
  };
  const analysis = new LiveAnalysis({
    id: 'an_1',
    name: 'test',
    provider: { hostId: HOST, name: 'Power Core' },
    load: 'map',
    channels: {
      rpm: KEYS.rpm,
      load: KEYS.map,
      tps: KEYS.tps,
      engineTemp: KEYS.ect,
      banks: [
        { name: 'front', key: KEYS.front, quantity: 'afr_front' },
        { name: 'rear', key: KEYS.rear, quantity: 'lambda_rear' },
      ],
    },
    settings: analysisSettingsOf(full),
    tables: analysisTablesOf(full),
    samples$,
    now: () => 1000,
  });
  return { analysis, samples$ };
}

/** One datagram: every channel at time t. */
const frame = (t: number, rpm: number, map: number, afr: number, lambda: number): SampleBatch =>
  batch([
    [KEYS.rpm, t, rpm],
    [KEYS.map, t, map],
    [KEYS.tps, t, 50],
    [KEYS.ect, t, 90],
    [KEYS.front, t, afr],
    [KEYS.rear, t, lambda],
  ]);

describe('LiveAnalysis', () => {
  it('folds one reading per timestamp, converts lambda to AFR, ignores other providers', () => {
    const { analysis, samples$ } = start();
    samples$.next(frame(0, 3000, 60, 14, 1));
    samples$.next(frame(20, 3000, 60, 14, 1));
    samples$.next(batch([[KEYS.rpm, 40, 3000]], 0x1001));
    const [front, rear] = analysis.core.results();
    const cell = 3 * 9 + 4; // 3000 rpm, 60 kPa on the default grid
    expect(front.hits[cell]).toBe(2);
    expect(front.afrErrorMean[cell]).toBeCloseTo(14 - 13.25, 5);
    expect(rear.afrErrorMean[cell]).toBeCloseTo(14.7 - 13.25, 5);
    expect(analysis.core.counts().samples).toBe(2);
  });

  it('folds a batch holding several timestamps into one reading each', () => {
    const { analysis, samples$ } = start();
    const a = frame(0, 3000, 60, 14, 1);
    const rows: [string, number, number][] = [];
    for (const t of [0, 20, 40]) for (let i = 0; i < a.count; i++) rows.push([a.keys[i], t, a.values[i]]);
    samples$.next(batch(rows));
    expect(analysis.core.counts().samples).toBe(3);
  });

  it('treats a bank that stopped reporting as missing, not frozen', () => {
    const { analysis, samples$ } = start();
    samples$.next(frame(0, 3000, 60, 14, 1));
    samples$.next(
      batch([
        [KEYS.rpm, 1000, 3000],
        [KEYS.map, 1000, 60],
      ]),
    );
    expect(analysis.core.counts()).toMatchObject({ samples: 2, accepted: 1, afrRange: 1 });
  });

  it('stops reading its stream when stopped', () => {
    const { analysis, samples$ } = start();
    analysis.stop();
    samples$.next(frame(0, 3000, 60, 14, 1));
    expect(analysis.core.counts().samples).toBe(0);
    expect(analysis.summary()).toMatchObject({ status: 'stopped', stoppedAt: 1000 });
  });
});

describe('GridPublisher', () => {
  it('sends nothing while nothing changes, then only the changed cells, in seq order', () => {
    const { analysis, samples$ } = start();
    const publisher = new GridPublisher(analysis);
    const first = publisher.grid;
    expect(publisher.next()).toBeNull();
    samples$.next(frame(0, 3000, 60, 14, 1));
    const delta = publisher.next();
    expect(delta?.seq).toBe(first.seq + 1);
    expect(delta?.cells).toEqual([3 * 9 + 4]);
    expect(delta?.banks[0].hits).toEqual([1]);
    expect(delta?.operatingPoint).toEqual({ rpm: 3000, load: 60 });
    expect(publisher.next()).toBeNull();
    samples$.next(frame(20, 3000, 60, 14, 1));
    expect(publisher.next()?.seq).toBe(first.seq + 2);
  });
});
