import type { CorrectionStandard, CurveXAxis, UnitSystem } from '@jetdrive-hub/client/contract';
import {
  CORRECTION_STANDARDS,
  CURVE_X_AXES,
  MAX_COMPARE_RUNS,
  MAX_SMOOTHING,
  runsCompareQuerySchema,
  UNIT_SYSTEMS,
} from '@jetdrive-hub/client/contract';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { runAnalysisPaths } from '../create-run-analysis-api.js';
import { check } from './cli-failure.js';
import { choicesAnyCase, integerIn } from './option-parsers.js';

// `runs compare a b --correction sae` and `runs export <id> --csv`: the arguments parsed and checked here, the network
// left to handlers the CLI wiring passes in (cli/run-runs-analysis.ts). The query is checked
// with the contract's schema, so the CLI refuses what the hub would refuse, before any request.

export interface RunsCompareArgs {
  /** 1–8 run ids; the first is the baseline the others are compared with. */
  ids: string[];
  correction: CorrectionStandard;
  smoothing: number;
  x: CurveXAxis;
  units?: UnitSystem;
  json: boolean;
}

export const RUNS_EXPORT_FORMATS = ['csv', 'curves', 'sheet'] as const;
export type RunsExportFormat = (typeof RUNS_EXPORT_FORMATS)[number];

export interface RunsExportArgs {
  id: string;
  /** csv: the time export (all channels, 50 ms); curves: RPM bins under a correction; sheet: the printable run sheet. */
  format: RunsExportFormat;
  correction: CorrectionStandard;
  smoothing: number;
  units?: UnitSystem;
  /** File to write; stdout when absent. */
  out?: string;
}

export interface RunsAnalysisHandlers {
  compare(args: RunsCompareArgs): Promise<void> | void;
  export(args: RunsExportArgs): Promise<void> | void;
}

/** The compare request path: `/api/runs/compare?ids=a,b&correction=sae&smoothing=2&x=rpm[&units=…]`. */
export function runsComparePath(args: RunsCompareArgs): string {
  const { correction, smoothing, x, units } = args;
  return runAnalysisPaths.compare(args.ids, { correction, smoothing, x, ...(units ? { units } : {}) });
}

/** The export request path: `/api/runs/<id>/export.csv`, `/curves.csv?…` or `/sheet?…`. */
export function runsExportPath(args: RunsExportArgs): string {
  if (args.format === 'csv') return runAnalysisPaths.exportCsv(args.id);
  const { correction, smoothing, units } = args;
  const query = { correction, smoothing, ...(units ? { units } : {}) };
  return args.format === 'curves' ? runAnalysisPaths.curvesCsv(args.id, query) : runAnalysisPaths.sheet(args.id, query);
}

/** Checks the ids and options with the contract's compare schema; a problem becomes a usage error naming it. */
export function parseRunsCompare(ids: readonly string[], options: Omit<RunsCompareArgs, 'ids'>): RunsCompareArgs {
  const parsed = runsCompareQuerySchema.safeParse({
    ids: ids.join(','),
    correction: options.correction,
    smoothing: String(options.smoothing),
    x: options.x,
    ...(options.units ? { units: options.units } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path[0] === 'ids' ? 'run ids' : String(issue.path[0] ?? 'arguments');
    throw new InvalidArgumentError(
      `${field}: ${issue.message} (compare takes 1–${MAX_COMPARE_RUNS} ids, the first the baseline)`,
    );
  }
  return { ...parsed.data, json: options.json };
}

const correctionOption = () =>
  choicesAnyCase(
    new Option('--correction <standard>', 'SAE J1349, STD (J607), DIN 70020, EEC 80/1269 or none'),
    CORRECTION_STANDARDS,
  ).default('sae');
const smoothingOption = () =>
  new Option('--smoothing <level>', `0 (raw) to ${MAX_SMOOTHING}`).argParser(integerIn(0, MAX_SMOOTHING)).default(0);
const unitsOption = () =>
  choicesAnyCase(new Option('--units <system>', "hp / ft·lb or kW / N·m (default: the hub's)"), UNIT_SYSTEMS);

/** Adds `compare` and `export` to the CLI's `runs` command; the handlers do the requests. */
export function addRunsAnalysisCommands(runs: Command, handlers: RunsAnalysisHandlers): Command {
  runs
    .command('compare')
    .description('overlay runs under one correction and smoothing, with each one’s difference to the first')
    .argument('<ids...>', `1 to ${MAX_COMPARE_RUNS} run ids, the baseline first`)
    .addOption(correctionOption())
    .addOption(smoothingOption())
    .addOption(choicesAnyCase(new Option('--x <axis>', 'x axis'), CURVE_X_AXES).default('rpm'))
    .addOption(unitsOption())
    .option('--json', 'print the comparison as JSON', false)
    .action(async (ids: string[], options: Omit<RunsCompareArgs, 'ids'>) => {
      await handlers.compare(check(() => parseRunsCompare(ids, options)));
    });
  runs
    .command('export')
    .description('a run as CSV (all channels at 50 ms), its curves as CSV, or its printable run sheet (HTML)')
    .argument('<id>', 'run id')
    .addOption(new Option('--csv', 'the time export (default)').conflicts(['curves', 'sheet']))
    .addOption(new Option('--curves', 'RPM bins × power / torque / AFR').conflicts(['sheet']))
    .option('--sheet', 'the printable run sheet')
    .addOption(correctionOption())
    .addOption(smoothingOption())
    .addOption(unitsOption())
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, options: Omit<RunsExportArgs, 'id' | 'format'> & Record<RunsExportFormat, boolean>) => {
      const format: RunsExportFormat = options.sheet ? 'sheet' : options.curves ? 'curves' : 'csv';
      // The id goes through the same check as compare's (it lands in a path).
      const [checked] = check(() => parseRunsCompare([id], { ...options, x: 'rpm', json: false })).ids;
      const { correction, smoothing, units, out } = options;
      await handlers.export({
        id: checked,
        format,
        correction,
        smoothing,
        ...(units ? { units } : {}),
        ...(out ? { out } : {}),
      });
    });
  return runs;
}
