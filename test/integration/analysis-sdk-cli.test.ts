import { fileURLToPath } from 'node:url';
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHub, type Hub } from '../../client-sdk/src/index.js';
import { runTsScript } from '../support/run-ts-script.js';
import { HUB_OPERATOR, startTestHub, type TestHub } from '../support/start-test-hub.js';
import { until } from '../support/until.js';

// The SDK's hub.analysis and the CLI's `analysis start` / `analysis export` against a real hub with its simulated dyno.

const CLI = fileURLToPath(new URL('../../client-sdk/src/cli.ts', import.meta.url));
let t: TestHub;
let hub: Hub;

beforeAll(async () => {
  t = await startTestHub();
  hub = connectHub(t.url, { token: HUB_OPERATOR });
  await hub.whenConnected();
  await until(() => t.hub.ingest.registry.channelCount() >= 16, 5000, 'the simulator channels');
});

afterAll(async () => {
  hub.close();
  await t.close();
});

function cli(args: string[]) {
  return runTsScript(CLI, ['--url', t.url, ...args], { JETDRIVE_HUB_TOKEN: HUB_OPERATOR, LOG_LEVEL: 'silent' })
    .finished;
}

describe('analysis over the SDK and the CLI', () => {
  it('hub.analysis: start, grid$ fills during a pull, stop, reset, export', async () => {
    const summary = await hub.analysis.start({ provider: 'Simulated Dyno', load: 'map', weighting: 'nearest' });
    const grids: number[] = [];
    const filled = firstValueFrom(
      hub.analysis.grid$(summary.id).pipe(
        filter((g) => {
          grids.push(g.seq);
          return g.banks[0].hits.some((h) => h > 0);
        }),
      ),
    );
    expect(t.hub.simulator?.pull().ok).toBe(true);
    const grid = await filled;
    expect(grid.bankNames).toEqual(['front', 'rear']);
    // Seqs follow one another: every delta applied to the grid it was made for.
    expect(grids.every((s, i) => i === 0 || s === grids[i - 1] + 1)).toBe(true);
    expect((await hub.analysis.stop(summary.id)).status).toBe('stopped');
    const hits = await hub.analysis.export({ id: summary.id, kind: 'hits' });
    expect(hits.csv.split('\n')[0]).toBe('rpm\\MAP (kPa),20,30,40,50,60,70,80,90,100');
    const reset = await hub.analysis.reset(summary.id);
    expect(reset.counts.samples).toBe(0);
    await hub.analysis.remove(summary.id);
    await expect(hub.analysis.get(summary.id)).rejects.toMatchObject({ code: 'ANALYSIS_NOT_FOUND' });
  }, 30_000);

  it('jetdrive analysis start --provider … --load map, then export <id> --csv', async () => {
    const started = await cli(['analysis', 'start', '--provider', 'Simulated Dyno', '--load', 'map']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    expect(id).toMatch(/^an_[0-9a-f]+$/);
    const exported = await cli(['analysis', 'export', id, '--csv', '--kind', 'suggested', '--bank', 'rear']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n');
    expect(lines).toHaveLength(12);
    // Nothing suggested yet: the suggested table is the current one (the default baseline grid).
    expect(lines[1].split(',')).toHaveLength(10);
    const refused = await cli(['analysis', 'start', '--provider', 'Nobody', '--load', 'map']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('no provider "Nobody"');
    await hub.analysis.remove(id);
  }, 60_000);
});
