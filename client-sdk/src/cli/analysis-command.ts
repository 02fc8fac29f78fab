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
import { choicesAnyCase, integerIn } from './option-parsers.js';

// `jetdrive analysis …`: VE analyses on a live provider or of runs from the library (start, add-runs, list, stop,
// reset, delete) and their tables as CSV.

type OpenHub = () => Promise<{ hub: Hub }>;

interface StartOptions {
  provider?: string;
  run?: string[];
  load: AnalysisLoad;
  weighting?: AnalysisWeighting;
  minHits?: number;
  lagMs?: number;
  veTable?: string;
  bankVeTable?: string[];
  name?: string;
  wait?: boolean;
}

async function readCsv(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliFailure(`${option}: cannot read ${file}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

/** `--bank-ve-table rear=rear.csv` (repeatable): each bank's own table. */
async function bankTables(specs: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      throw new CliFailure(`--bank-ve-table: "${spec}" is not <bank>=<file> (e.g. rear=rear.csv)`, EXIT.USAGE);
    }
    out[spec.slice(0, eq)] = await readCsv('--bank-ve-table', spec.slice(eq + 1));
  }
  return out;
}

async function startInput(o: StartOptions): Promise<AnalysisStartInput> {
  if ((o.provider === undefined) === (o.run === undefined)) {
    throw new CliFailure('give --provider (live) or --run <id> (runs from the library), not both', EXIT.USAGE);
  }
  const input: AnalysisStartInput = { load: o.load };
  // A bare number is a host id; anything else (a name, or "0x43FD") goes as text.
  if (o.provider !== undefined) input.provider = /^\d+$/.test(o.provider) ? Number(o.provider) : o.provider;
  if (o.run) input.runs = o.run;
  if (o.weighting) input.weighting = o.weighting;
  if (o.minHits !== undefined) input.minHits = o.minHits;
  if (o.lagMs !== undefined) input.lagMs = o.lagMs;
  if (o.name) input.name = o.name;
  if (o.veTable) input.veTableCsv = await readCsv('--ve-table', o.veTable);
  if (o.bankVeTable?.length) input.bankVeTablesCsv = await bankTables(o.bankVeTable);
  return input;
}

/** Until an offline analysis has fed its runs (polled): a failed run is reported on stderr. */
async function waitFed(hub: Hub, id: string): Promise<AnalysisSummary> {
  for (;;) {
    const summary = (await hub.analysis.list()).find((a) => a.id === id);
    if (!summary) throw new CliFailure(`analysis ${id} was deleted while it was fed`, EXIT.NOT_MET);
    if (summary.status === 'stopped') {
      for (const r of summary.runs.filter((x) => x.status === 'failed')) {
        process.stderr.write(`run ${r.id} not analysed: ${r.error}\n`);
      }
      return summary;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function summaryRows(list: AnalysisSummary[]): string {
  const rows = list.map((a) => [
    a.id,
    a.status,
    a.source === 'runs' ? `${a.runs.length} run(s)` : a.provider.name,
    a.load,
    a.settings.weighting,
    String(a.counts.samples),
    String(a.counts.accepted),
  ]);
  return formatTable(['id', 'status', 'source', 'load', 'weighting', 'samples', 'accepted'], rows);
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
    .description('start an analysis on a provider, or of runs from the library; prints its id')
    .option('--provider <name|hostId>', 'provider name, or host id (decimal or 0x43FD)')
    .option('--run <id>', 'a run of the library to analyse offline (repeat to accumulate several)', collect)
    .addOption(choicesAnyCase(new Option('--load <axis>', 'load axis'), ANALYSIS_LOADS).makeOptionMandatory())
    .addOption(
      choicesAnyCase(new Option('--weighting <w>', 'cell weighting (hub default bilinear)'), ANALYSIS_WEIGHTINGS),
    )
    .option('--min-hits <n>', 'samples a cell needs for a suggestion', integerIn(1, 10_000))
    .option('--lag-ms <ms>', 'sensor lag compensation, 0 to 1000 ms (hub default 100)', integerIn(0, 1000))
    .option('--ve-table <file>', 'the current VE table as CSV (rows rpm, columns load)')
    .option('--bank-ve-table <bank=file>', "a bank's own VE table, e.g. rear=rear.csv (repeatable)", collect)
    .option('--name <name>', 'a name for the analysis')
    .option('--wait', 'with --run: return once every run is fed')
    .action(async (o: StartOptions) => {
      const input = await startInput(o);
      const summary = await withHub(openHub, async (hub) => {
        const started = await hub.analysis.start(input);
        return o.wait && o.run ? waitFed(hub, started.id) : started;
      });
      process.stdout.write(`${summary.id}\n`);
    });
  analysis
    .command('add-runs <id> <runIds...>')
    .description('add runs of the library to an offline analysis (they accumulate)')
    .option('--wait', 'return once every run is fed')
    .action(async (id: string, runs: string[], o: { wait?: boolean }) => {
      await withHub(openHub, async (hub) => {
        await hub.analysis.addRuns({ id, runs });
        if (o.wait) await waitFed(hub, id);
      });
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
    .addOption(choicesAnyCase(new Option('--kind <kind>', 'table'), ANALYSIS_EXPORT_KINDS).default('suggested'))
    .option('--bank <name>', 'bank (front, rear; default the first)')
    .action(async (id: string, o: { kind: AnalysisExportKind; bank?: string }) => {
      const out = await withHub(openHub, (hub) =>
        hub.analysis.export({ id, kind: o.kind, ...(o.bank ? { bank: o.bank } : {}) }),
      );
      process.stdout.write(out.csv);
    });
}
