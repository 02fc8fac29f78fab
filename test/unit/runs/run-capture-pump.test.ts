import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NEVER } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RUN_OPTIONS, NODE_RUN_FILE_SYSTEM, RunCapture, RunLibrary } from '../../../server/runs/index.js';
import type { Datagram } from '../../../server/transport/types.js';
import { createFakeChannelRegistry } from '../../support/fake-channel-registry.js';
import { readRunFileIndependently } from '../../support/runs-file-reader.js';
import { until } from '../../support/until.js';

// The recorder keeps up with a rate that fills the black box before its timer ticks: a quarter of the ring's bytes
// starts a pump. The timer is held (fake setInterval only; files and event-loop turns are real), so every pump here
// is one the volume started.

let dir = '';
afterEach(async () => {
  vi.useRealTimers();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe('RunCapture at a high rate', () => {
  it('pumps by volume: a rate that fills the black box twice per timer tick loses nothing', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    dir = await mkdtemp(join(tmpdir(), 'jd-pump-'));
    const ringBytes = 1024 * 1024;
    const library = new RunLibrary({ dir, fs: NODE_RUN_FILE_SYSTEM, maxTotalBytes: 2 ** 30, maxRuns: 10 });
    let tap = null as ((d: Datagram) => void) | null;
    const capture = new RunCapture(
      { ...DEFAULT_RUN_OPTIONS, ringBytes, ringMs: 60_000 },
      {
        registry: createFakeChannelRegistry(),
        resolver: { quantityOf: () => null, changes$: NEVER },
        library,
        fs: NODE_RUN_FILE_SYSTEM,
        tap: (listener) => {
          tap = listener;
          return () => undefined;
        },
      },
    );
    await capture.start();
    const id = capture.startManual('volume').runId ?? '';
    const from = { address: '127.0.0.1', port: 22344 };
    // 10 MB/s of 1 KiB datagrams, a few per event-loop turn as the socket delivers them: 16 rings' worth, a pump
    // every 25 ms.
    const n = (16 * ringBytes) / 1024;
    const perMs = 10;
    const started = performance.now();
    for (let i = 0; i < n; ) {
      const due = Math.min(n, Math.floor((performance.now() - started) * perMs));
      for (; i < due; i++) {
        const bytes = new Uint8Array(1024).fill(i & 0xff);
        tap?.({ bytes, from, receivedAt: Date.now() } as Datagram);
      }
      await nextTurn();
    }
    capture.stopManual();
    await until(() => library.has(id), 10_000, 'the run saved');
    // Every datagram is in the file or counted; at most one ring's worth lapped by a disk that stalled (a shared
    // machine's writes have taken 35 ms), where without the volume's pumps all but the last ring's would be.
    const behind = capture.stats().dropped.behind;
    const file = await readRunFileIndependently(join(dir, `${id}.mcap`));
    expect(file.messages.length + behind).toBe(n);
    expect(behind).toBeLessThanOrEqual(n / 16);
    expect(file.metadata.at(-1)).toMatchObject({ datagrams: file.messages.length, droppedDatagrams: behind });
    await capture.stop();
  });
});
