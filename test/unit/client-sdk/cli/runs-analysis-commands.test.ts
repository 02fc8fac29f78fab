import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  addRunsAnalysisCommands,
  type RunsCompareArgs,
  type RunsExportArgs,
  runsComparePath,
  runsExportPath,
} from '../../../../client-sdk/src/cli/runs-analysis-commands.js';

/** A CLI with only `runs compare|export`, its handlers recording what they were given; errors thrown, not exited. */
function cli() {
  const calls: { compare: RunsCompareArgs[]; export: RunsExportArgs[] } = { compare: [], export: [] };
  const program = new Command('jetdrive').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const runs = program.command('runs').exitOverride();
  addRunsAnalysisCommands(runs, {
    compare: (args) => {
      calls.compare.push(args);
    },
    export: (args) => {
      calls.export.push(args);
    },
  });
  for (const sub of runs.commands) sub.exitOverride().configureOutput({ writeErr: () => {} });
  const run = (...argv: string[]) => program.parseAsync(['runs', ...argv], { from: 'user' });
  return { calls, run };
}

describe('runs compare', () => {
  it('parses ids and options into the compare request', async () => {
    const { calls, run } = cli();
    await run('compare', 'base', 'run-2', 'run_3.b', '--correction', 'din', '--smoothing', '2', '--units', 'metric');
    expect(calls.compare).toEqual([
      { ids: ['base', 'run-2', 'run_3.b'], correction: 'din', smoothing: 2, x: 'rpm', units: 'metric', json: false },
    ]);
    expect(runsComparePath(calls.compare[0])).toBe(
      '/api/runs/compare?ids=base%2Crun-2%2Crun_3.b&correction=din&smoothing=2&x=rpm&units=metric',
    );
  });

  it('takes choices in any case, as the hub takes its own', async () => {
    const { calls, run } = cli();
    await run('compare', 'a', '--correction', 'DIN', '--x', 'Speed', '--units', 'METRIC');
    expect(calls.compare[0]).toMatchObject({ correction: 'din', x: 'speed', units: 'metric' });
    await expect(run('compare', 'a', '--correction', 'ECE')).rejects.toThrow(/Allowed choices are sae, std, din/);
  });

  it('defaults to SAE, raw curves, RPM', async () => {
    const { calls, run } = cli();
    await run('compare', 'a');
    expect(calls.compare[0]).toEqual({ ids: ['a'], correction: 'sae', smoothing: 0, x: 'rpm', json: false });
  });

  it('refuses more than 8 ids, ids that cannot stand in a path, and options out of range, before any request', async () => {
    const { calls, run } = cli();
    const nine = Array.from({ length: 9 }, (_, i) => `r${i}`);
    await expect(run('compare', ...nine)).rejects.toThrow(/^run ids: .*compare takes 1–8 ids/);
    await expect(run('compare', 'a', '../etc')).rejects.toThrow(/a run id is letters, digits/);
    await expect(run('compare', 'a', '--correction', 'ece')).rejects.toThrow(CommanderError);
    await expect(run('compare', 'a', '--smoothing', '6')).rejects.toThrow(/expected a whole number from 0 to 5/);
    await expect(run('compare', 'a', '--x', 'time')).rejects.toThrow(CommanderError);
    expect(calls.compare).toEqual([]);
  });
});

describe('runs export', () => {
  it('exports the time CSV by default, curves or the sheet on request', async () => {
    const { calls, run } = cli();
    await run('export', 'r1');
    await run('export', 'r1', '--curves', '--correction', 'std', '--smoothing', '3', '--out', 'r1.csv');
    await run('export', 'r1', '--sheet', '--units', 'imperial');
    expect(calls.export.map((a) => a.format)).toEqual(['csv', 'curves', 'sheet']);
    expect(calls.export[1]).toEqual({ id: 'r1', format: 'curves', correction: 'std', smoothing: 3, out: 'r1.csv' });
    expect(calls.export.map(runsExportPath)).toEqual([
      '/api/runs/r1/export.csv',
      '/api/runs/r1/curves.csv?correction=std&smoothing=3',
      '/api/runs/r1/sheet?correction=sae&smoothing=0&units=imperial',
    ]);
  });

  it('refuses two formats at once and an id that cannot stand in a path', async () => {
    const { calls, run } = cli();
    await expect(run('export', 'r1', '--csv', '--sheet')).rejects.toThrow(CommanderError);
    await expect(run('export', 'a/b')).rejects.toThrow(/a run id is letters, digits/);
    expect(calls.export).toEqual([]);
  });
});
