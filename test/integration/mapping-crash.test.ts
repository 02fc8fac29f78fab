import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMappingStore } from '../../server/mapping/mapping-store.js';
import { runTsScript } from '../support/run-ts-script.js';
import { until } from '../support/until.js';

// kill -9 in the middle of mapping writes, again and again: the file always parses and holds the last acknowledged
// write (or the one in flight), and the temp files the killed writers left are removed at the next start.

const CYCLES = 8;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const lastAck = (out: string): number => Number([...out.matchAll(/ack (\d+)/g)].at(-1)?.[1] ?? 0);

describe('mapping writes under kill -9', () => {
  it(`${CYCLES} kills mid-write: never a corrupt file, nothing acknowledged lost, orphans cleaned`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mapping-crash-'));
    dirs.push(dataDir);
    let acknowledged = 0;
    let orphansSeen = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const writer = runTsScript('test/support/mapping-writer.ts', [dataDir]);
      try {
        // Kill at a different point each cycle: after 5, 10, 15 … acknowledged writes.
        const target = 5 * (cycle + 1);
        await until(() => lastAck(writer.stdout()) >= target, 20_000, `${target} acknowledged writes`, 2);
      } finally {
        writer.proc.kill('SIGKILL');
        await writer.finished;
      }
      const acked = lastAck(writer.stdout());
      acknowledged += acked;
      orphansSeen += (await readdir(dataDir)).filter((name) => name.endsWith('.tmp')).length;

      const store = await createMappingStore({ dataDir });
      expect(store.status()).toMatchObject({ corrupt: null, readError: null });
      const written = Number(/write (\d+)/.exec(store.get('Simulated Dyno')?.MAP?.display_name ?? '')?.[1]);
      expect(written).toBeGreaterThanOrEqual(acked);
      expect(written).toBeLessThanOrEqual(acked + 1);
      expect((await readdir(dataDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
    process.stdout.write(
      `[crash] mapping writes: ${CYCLES} kill -9 cycles, ${acknowledged} acknowledged writes, none lost; ${orphansSeen} temp files left by the killed writers, all removed at the next start\n`,
    );
  });
});
