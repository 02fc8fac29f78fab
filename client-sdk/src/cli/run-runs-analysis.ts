import { writeFile } from 'node:fs/promises';
import type { RunComparisonAnswer, UnitSystem } from '@jetdrive-hub/client/contract';
import type { Command } from 'commander';
import type { Hub } from '../hub-types.js';
import { formatTable } from './format-table.js';
import { addRunsAnalysisCommands, type RunsCompareArgs, type RunsExportArgs } from './runs-analysis-commands.js';

// `jetdrive runs compare a b --correction sae` and `runs export <id> --csv|--curves|--sheet`: the argument checks of
// runs-analysis-commands.ts, with handlers that ask the hub (hub.runs) and print or write what it answers.

type OpenHub = () => Promise<{ hub: Hub; units: UnitSystem }>;

const fixed = (v: number | null | undefined, digits: number) =>
  v === null || v === undefined ? '' : v.toFixed(digits);
const signed = (v: number | null | undefined, digits: number) =>
  v === null || v === undefined ? '' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

/** One line per run: its peaks and, after the first, their differences to the first's. */
export function formatComparison(c: RunComparisonAnswer): string {
  const first = c.runs[0]?.curves;
  const units = first?.units ?? { power: '', torque: '' };
  const rows = c.runs.map((r, i) => {
    const p = r.curves.peaks.smoothed;
    const d = i === 0 ? null : c.deltas[i - 1];
    return [
      r.id,
      r.name,
      r.curves.correction.factor.toFixed(4),
      `${fixed(p.power?.value, 1)} @ ${fixed(p.power?.rpm, 0)}`,
      `${fixed(p.torque?.value, 1)} @ ${fixed(p.torque?.rpm, 0)}`,
      d ? signed(d.peakPower?.value, 1) : '',
      d ? signed(d.peakTorque?.value, 1) : '',
    ];
  });
  const headers = [
    'id',
    'name',
    'CF',
    `peak ${units.power}`,
    `peak ${units.torque}`,
    `Δ ${units.power}`,
    `Δ ${units.torque}`,
  ];
  const label = first ? `${first.correction.label}, smoothing ${first.smoothing}, x ${first.x}` : '';
  return `${formatTable(headers, rows)}\n${label}`;
}

async function exportRun(hub: Hub, args: RunsExportArgs): Promise<string> {
  const query = {
    correction: args.correction,
    smoothing: args.smoothing,
    ...(args.units ? { units: args.units } : {}),
  };
  if (args.format === 'curves') return hub.runs.curvesCsv(args.id, query);
  if (args.format === 'sheet') return hub.runs.sheet(args.id, query);
  return hub.runs.exportCsv(args.id);
}

/** Adds `compare` and `export` to the CLI's `runs` command (the one registerRunsCommands returns). */
export function registerRunsAnalysisCommands(runs: Command, openHub: OpenHub): void {
  addRunsAnalysisCommands(runs, {
    async compare(args: RunsCompareArgs) {
      const { hub } = await openHub();
      const { ids, correction, smoothing, x, units } = args;
      const answer = await hub.runs.compare(ids, { correction, smoothing, x, ...(units ? { units } : {}) });
      process.stdout.write(args.json ? `${JSON.stringify(answer, null, 2)}\n` : `${formatComparison(answer)}\n`);
      hub.close();
    },
    async export(args: RunsExportArgs) {
      const { hub } = await openHub();
      const text = await exportRun(hub, args);
      if (args.out) {
        await writeFile(args.out, text);
        process.stdout.write(`${args.out} (${Buffer.byteLength(text)} bytes)\n`);
      } else process.stdout.write(text);
      hub.close();
    },
  });
}
