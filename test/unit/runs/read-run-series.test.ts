import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSeries } from '../../../server/curves/index.js';
import { NODE_RUN_FILE_SYSTEM, rewriteRunFile } from '../../../server/runs/index.js';
import { readRunSeries } from '../../../server/runs/read-run-series.js';
import { CSV_IMPORT_PROVIDER, writeCsvRunFile } from '../../../server/runs/write-csv-run-file.js';

// A series written as a run file (datagrams in MCAP, as an imported CSV becomes) and read back: names, wire units,
// quantities and times survive; the channel and sample caps drop what does not fit and count it.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jd-series-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 40 rows at 50 ms: rpm rising, power in hp, a gear channel without a unit, an AFR column with one blank. */
function series(): RunSeries {
  const t = Float64Array.from({ length: 40 }, (_, i) => 1000 + i * 50);
  const rpm = t.map((_, i) => 3000 + i * 100);
  const hp = t.map((_, i) => 50 + i);
  const afrT = t.filter((_, i) => i !== 7);
  return {
    channels: [
      { name: 'Engine RPM', quantity: 'rpm', unit: 'rpm', t, v: rpm },
      { name: 'Power', quantity: 'power', unit: 'hp', t, v: hp },
      { name: 'Gear', quantity: null, unit: '', t, v: t.map(() => 3) },
      { name: 'AFR 1', quantity: 'afr_front', unit: 'AFR', t: afrT, v: afrT.map(() => 12.5) },
    ],
  };
}

/** Written as the import does: the datagram file, then rewritten (chunked, indexed) as the library keeps runs. */
async function written(s: RunSeries): Promise<string> {
  const fs = NODE_RUN_FILE_SYSTEM;
  const from = join(dir, 'import.tmp');
  const to = join(dir, 'run.mcap');
  const meta = await writeCsvRunFile({ fs, file: from, series: s, name: 'csv', startedAt: 1_700_000_000_000 });
  await rewriteRunFile({ fs, from, to, compression: 'zstd', strict: true, metadata: () => meta });
  return to;
}

describe('readRunSeries', () => {
  it('gives back every channel with its name, wire unit, quantity and times from the run start', async () => {
    const read = await readRunSeries(NODE_RUN_FILE_SYSTEM, await written(series()));
    expect(read.originMs).toBe(1_700_000_000_000);
    expect(read.series.channels.map((c) => [c.name, c.unit, c.quantity, c.v.length])).toEqual([
      ['Engine RPM', 'RPM', 'rpm', 40],
      ['Power', 'kW', 'power', 40],
      ['Gear', '', null, 40],
      ['AFR 1', 'AFR', 'afr_front', 39],
    ]);
    const [rpm, power] = read.series.channels;
    // Times from the file's first row, on the hub clock the datagrams were given.
    expect(rpm.t[0]).toBe(0);
    expect(rpm.t[39]).toBe(39 * 50);
    expect(rpm.v[39]).toBe(3000 + 39 * 100);
    // hp to kW on the way in (float32 on the wire).
    expect(power.v[10]).toBeCloseTo(60 * 0.745699872, 4);
    expect(read.counts).toMatchObject({ samples: 159, badDatagrams: 0, droppedSamples: 0, droppedChannels: 0 });
    expect(read.bytes).toBe(159 * 16);
  });

  it('asks the resolver only about channels the stored catalog left unmapped', async () => {
    const asked: string[] = [];
    const read = await readRunSeries(NODE_RUN_FILE_SYSTEM, await written(series()), {
      resolveQuantity: (c, taken) => {
        asked.push(`${c.providerName}/${c.name}:${[...taken].join('+')}`);
        return 'gear';
      },
    });
    expect(asked).toEqual([`${CSV_IMPORT_PROVIDER}/Gear:rpm+power+afr_front`]);
    expect(read.series.channels[2].quantity).toBe('gear');
  });

  it('keeps at most maxChannels channels and maxSamples samples, counting what it dropped', async () => {
    const file = await written(series());
    const channels = await readRunSeries(NODE_RUN_FILE_SYSTEM, file, { limits: { maxChannels: 2 } });
    expect(channels.series.channels.map((c) => c.name)).toEqual(['Engine RPM', 'Power']);
    expect(channels.counts).toMatchObject({ samples: 80, droppedChannels: 2, droppedSamples: 79 });
    const samples = await readRunSeries(NODE_RUN_FILE_SYSTEM, file, { limits: { maxSamples: 100 } });
    expect(samples.counts).toMatchObject({ samples: 100, droppedSamples: 59, droppedChannels: 0 });
  });
});
