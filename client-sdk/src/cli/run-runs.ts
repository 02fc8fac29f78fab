import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  displayConversion,
  POWER_UNIT,
  type RunPeak,
  type RunSummary,
  TORQUE_UNIT,
  toDisplay,
  type UnitSystem,
} from '@jetdrive-hub/client/contract';
import type { Command } from 'commander';
import type { Hub } from '../hub-types.js';
import { formatTable } from './format-table.js';
import { integerIn } from './option-parsers.js';

// `jetdrive runs list | get <id> | download <id>`: the hub's run library.

type OpenHub = () => Promise<{ hub: Hub; units: UnitSystem }>;

function peakText(peak: RunPeak | null, unit: number, units: UnitSystem): string {
  if (!peak) return '';
  const c = displayConversion(unit, units);
  const value = toDisplay(peak.value, c)?.toFixed(1) ?? '';
  return `${value} ${c.label}${peak.rpm === null ? '' : ` @ ${Math.round(peak.rpm)}`}`;
}

/** The simulator's profile and VE scenario a run was recorded on ('' for a real dyno's). */
export function simulatorText(r: Pick<RunSummary, 'profile' | 'scenario'>): string {
  if (r.profile === null) return '';
  return r.scenario === null ? r.profile : `${r.profile} ${r.scenario}`;
}

function row(r: RunSummary, units: UnitSystem): (string | number)[] {
  return [
    r.id,
    r.name,
    new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19),
    r.durationS ?? '',
    simulatorText(r),
    peakText(r.peakPower, POWER_UNIT, units),
    peakText(r.peakTorque, TORQUE_UNIT, units),
    `${r.pinned ? 'pinned ' : ''}${r.recovered ? 'recovered' : ''}`.trim(),
  ];
}

/** Adds `runs list|get|download`; returns the `runs` command (the run-analysis commands attach to it too). */
export function registerRunsCommands(program: Command, openHub: OpenHub): Command {
  const runs = program.command('runs').description('the run library: recorded pulls');
  runs
    .command('list')
    .description('list runs, newest first')
    .option('--limit <n>', 'at most n runs (1 to 500)', integerIn(1, 500), 50)
    .option('--search <text>', 'runs whose name or notes contain this')
    .option('--scenario <name>', "runs of the simulator's VE scenario (perfect, lean, rich, custom)")
    .option('--json', 'print the page as JSON', false)
    .action(async (options: { limit: number; search?: string; scenario?: string; json: boolean }) => {
      const { hub, units } = await openHub();
      const page = await hub.runs.list({ limit: options.limit, q: options.search, scenario: options.scenario });
      if (options.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
      else {
        const headers = ['id', 'name', 'started (UTC)', 's', 'simulator', 'peak power', 'peak torque', ''];
        process.stdout.write(
          `${formatTable(
            headers,
            page.runs.map((r) => row(r, units)),
          )}\n`,
        );
        process.stdout.write(`${page.runs.length} of ${page.total} run(s)\n`);
      }
      hub.close();
    });
  runs
    .command('get <id>')
    .description("a run's metadata, channels and per-channel statistics (JSON)")
    .action(async (id: string) => {
      const { hub } = await openHub();
      process.stdout.write(`${JSON.stringify(await hub.runs.get(id), null, 2)}\n`);
      hub.close();
    });
  runs
    .command('download <id>')
    .description("save a run's .mcap file")
    .option('-o, --output <path>', 'file to write (default: the name the hub gives it, in this folder)')
    .action(async (id: string, options: { output?: string }) => {
      const { hub } = await openHub();
      const { fileName, bytes } = await hub.runs.download(id);
      // The hub's name is a suggestion from the network: only its last path segment is used.
      const target = options.output ?? join('.', basename(fileName));
      await writeFile(target, bytes, { flag: options.output ? 'w' : 'wx' });
      process.stdout.write(`${target} (${bytes.byteLength} bytes)\n`);
      hub.close();
    });
  return runs;
}
