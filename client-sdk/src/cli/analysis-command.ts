import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import {
  ANALYSIS_EXPORT_KINDS,
  ANALYSIS_LOADS,
  ANALYSIS_WEIGHTINGS,
  type AnalysisExportKind,
  type AnalysisLoad,
  type AnalysisStartInput,
  type AnalysisSummary,
  type AnalysisWeighting,
} from '@jetdrive-hub/client/contract';
import type { Hub } from '../hub-types.js';
import { CliFailure, EXIT } from './cli-failure.js';
import { formatTable } from './format-table.js';
import { integerIn } from './option-parsers.js';

// `jetdrive analysis …`: live VE analyses on a provider (start, list, stop, reset, delete) and their tables as CSV.

type OpenHub = () => Promise<{ hub: Hub }>;

interface StartOptions {
  provider: string;
  load: AnalysisLoad;
  weighting?: AnalysisWeighting;
  minHits?: number;
  lagMs?: number;
  veTable?: string;
  name?: string;
}

async function startInput(o: StartOptions): Promise<AnalysisStartInput> {
  // A bare number is a host id; anything else (a name, or "0x43FD") goes as text.
  const provider = /^\d+$/.test(o.provider) ? Number(o.provider) : o.provider;
  const input: AnalysisStartInput = { provider, load: o.load };
  if (o.weighting) input.weighting = o.weighting;
  if (o.minHits !== undefined) input.minHits = o.minHits;
  if (o.lagMs !== undefined) input.lagMs = o.lagMs;
  if (o.name) input.name = o.name;
  if (o.veTable) {
    try {
      input.veTableCsv = await readFile(o.veTable, 'utf8');
    } catch (error) {
      throw new CliFailure(`--ve-table: cannot read ${o.veTable}: ${(error as Error).message}`, EXIT.USAGE);
    }
  }
  return input;
}

function summaryRows(list: AnalysisSummary[]): string {
  const rows = list.map((a) => [
    a.id,
    a.status,
    a.provider.name,
    a.load,
    a.settings.weighting,
    String(a.counts.samples),
    String(a.counts.accepted),
  ]);
  return formatTable(['id', 'status', 'provider', 'load', 'weighting', 'samples', 'accepted'], rows);
}

/** Runs `fn` on an open hub and closes it, whatever happens. */
async function withHub<T>(openHub: OpenHub, fn: (hub: Hub) => Promise<T>): Promise<T> {
  const { hub } = await openHub();
  try {
    return await fn(hub);
  } finally {
    hub.close();
  }
}

export function addAnalysisCommand(program: Command, openHub: OpenHub): void {
  const analysis = program
    .command('analysis')
    .description('live VE analyses (the operator token starts and stops them)');
  analysis
    .command('start')
    .description('start an analysis on a provider; prints its id')
    .requiredOption('--provider <name|hostId>', 'provider name, or host id (decimal or 0x43FD)')
    .addOption(new Option('--load <axis>', 'load axis').choices(ANALYSIS_LOADS).makeOptionMandatory())
    .addOption(new Option('--weighting <w>', 'cell weighting (hub default bilinear)').choices(ANALYSIS_WEIGHTINGS))
    .option('--min-hits <n>', 'samples a cell needs for a suggestion', integerIn(1, 10_000))
    .option('--lag-ms <ms>', 'sensor lag compensation, 0 to 1000 ms (hub default 100)', integerIn(0, 1000))
    .option('--ve-table <file>', 'the current VE table as CSV (rows rpm, columns load)')
    .option('--name <name>', 'a name for the analysis')
    .action(async (o: StartOptions) => {
      const input = await startInput(o);
      const summary = await withHub(openHub, (hub) => hub.analysis.start(input));
      process.stdout.write(`${summary.id}\n`);
    });
  analysis
    .command('list')
    .description('list the analyses')
    .action(async () => {
      const list = await withHub(openHub, (hub) => hub.analysis.list());
      process.stdout.write(`${summaryRows(list)}\n`);
    });
  for (const verb of ['stop', 'reset', 'delete'] as const) {
    analysis
      .command(`${verb} <id>`)
      .description(`${verb} an analysis`)
      .action(async (id: string) => {
        await withHub(openHub, (hub) =>
          verb === 'stop' ? hub.analysis.stop(id) : verb === 'reset' ? hub.analysis.reset(id) : hub.analysis.remove(id),
        );
      });
  }
  analysis
    .command('export <id>')
    .description('print a table of the analysis as CSV, in the layout of its input table')
    .option('--csv', 'CSV output (the only format)', true)
    .addOption(new Option('--kind <kind>', 'table').choices(ANALYSIS_EXPORT_KINDS).default('suggested'))
    .option('--bank <name>', 'bank (front, rear; default the first)')
    .action(async (id: string, o: { kind: AnalysisExportKind; bank?: string }) => {
      const out = await withHub(openHub, (hub) =>
        hub.analysis.export({ id, kind: o.kind, ...(o.bank ? { bank: o.bank } : {}) }),
      );
      process.stdout.write(out.csv);
    });
}
