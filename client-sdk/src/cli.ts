#!/usr/bin/env node
// jetdrive CLI: watch live channels, list the catalog, wait for a condition in shell scripts, run a tuning session,
// list and download recorded runs.
import { Command, CommanderError, Option } from 'commander';
import { addAnalysisCommand } from './cli/analysis-command.js';
import { check, CliFailure } from './cli/cli-failure.js';
import { show } from './cli/display-units.js';
import { escapeControl } from './cli/escape-control.js';
import { EXIT, EXIT_CODES_HELP } from './cli/exit-codes.js';
import { formatTable, formatValue } from './cli/format-table.js';
import { choicesAnyCase, duration, formatDuration, hubUrl, integerIn, positiveNumber } from './cli/option-parsers.js';
import { parseCondition } from './cli/parse-condition.js';
import { requireMatches } from './cli/require-matches.js';
import { registerRunsCommands } from './cli/run-runs.js';
import { registerRunsAnalysisCommands } from './cli/run-runs-analysis.js';
import { formatReplayStatus, replayRate, runReplay } from './cli/run-replay.js';
import { runTune } from './cli/run-tune.js';
import { runWait } from './cli/run-wait.js';
import { runWatch } from './cli/run-watch.js';
import { connectHub, DEFAULT_HUB_URL } from './connect-hub.js';
import type { Hub, WireParser } from './hub-types.js';
import { parseSelector } from './parse-selector.js';
import {
  ENGINE_PROFILE_IDS,
  type SessionStartInput,
  UNIT_SYSTEMS,
  type UnitSystem,
  VE_SCENARIOS,
} from '@jetdrive-hub/client/contract';

interface GlobalOptions {
  url: string;
  parser: WireParser;
  units?: UnitSystem;
}

const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
const DEFAULT_CHANNELS_TIMEOUT_MS = 10_000;

// `jetdrive watch … | head` closes our stdout: that is the reader saying it has enough, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('jetdrive')
  .description('Live JetDrive channels from a jetdrive-hub (token, if the hub needs one: env JETDRIVE_HUB_TOKEN)')
  // Bad options exit 2 (commander's own default is 1, which scripts read as "condition not met").
  .exitOverride()
  .showHelpAfterError('(run with --help for the options)')
  .addOption(new Option('--url <url>', 'hub URL').env('JETDRIVE_HUB_URL').default(DEFAULT_HUB_URL).argParser(hubUrl))
  .addOption(
    choicesAnyCase(new Option('--parser <parser>', 'wire parser').env('JETDRIVE_HUB_PARSER'), [
      'json',
      'msgpack',
    ]).default('json'),
  )
  .addOption(
    choicesAnyCase(
      new Option('--units <system>', "display units (default: the hub's UNIT_SYSTEM, as its dashboard shows)").env(
        'JETDRIVE_HUB_UNITS',
      ),
      UNIT_SYSTEMS,
    ),
  )
  .addHelpText('afterAll', EXIT_CODES_HELP);

/**
 * Opens the hub and waits until it is connected: a failure (unreachable, unauthorized…) ends the CLI at once. Values
 * are shown in --units, else in the hub's unit system (said in its hello), else imperial (older hubs).
 */
async function openHub(): Promise<{ hub: Hub; units: UnitSystem }> {
  const options = program.opts<GlobalOptions>();
  // The token comes from the environment only: a flag would show in `ps`. `tune` needs the operator's token.
  const hub = connectHub(options.url, { parser: options.parser, token: process.env.JETDRIVE_HUB_TOKEN || undefined });
  openHubs.add(hub);
  const hello = await hub.whenConnected();
  // From here on (a failure to connect at all is the command's error, with its exit code).
  sayDisconnects(hub);
  return { hub, units: options.units ?? hello?.units ?? 'imperial' };
}

const openHubs = new Set<Hub>();

/**
 * A lost connection is said on stderr at once, and its return (the SDK reconnects meanwhile), once each: not left to
 * look like silence, nor repeated for every attempt.
 */
function sayDisconnects(hub: Hub): void {
  let down = false;
  hub.connection$.subscribe((state) => {
    if (state.state === 'disconnected' && state.reason !== 'closed' && !down) {
      down = true;
      console.error(escapeControl(`hub disconnected (${state.reason}); reconnecting`));
    } else if ((state.state === 'connected' || state.state === 'stale') && down) {
      down = false;
      console.error('hub reconnected');
    }
  });
}

/** Prints the error and exits with its code (see EXIT), closing the hub first. */
function exitWith(error: unknown): never {
  const failure = CliFailure.from(error);
  console.error(escapeControl(failure.message));
  for (const hub of openHubs) hub.close();
  process.exit(failure.exitCode);
}

program
  .command('watch')
  .description('print live values as a refreshing table (or JSON lines)')
  .argument('<selectors...>', 'names, "Provider/Channel", globs (*RPM*), quantity:rpm, provider:<name|0xID>')
  .option('--hz <n>', 'at most n values per channel per second', positiveNumber)
  .option('--json', 'one JSON line per sample', false)
  .action(async (texts: string[], options: { hz?: number; json: boolean }) => {
    const selectors = texts.map(parseSelector);
    const { hub, units } = await openHub();
    await requireMatches(hub, selectors, { all: false });
    const watch = runWatch(hub, texts, { ...options, units }, process.stdout, exitWith);
    process.once('SIGINT', () => {
      watch.stop();
      hub.close();
    });
  });

program
  .command('channels')
  .description('list the channel catalog')
  .option('--json', 'print the catalog as JSON', false)
  .addOption(
    new Option('--timeout <duration>', 'give up when the hub does not answer within this long (e.g. 10s, 500ms)')
      .argParser(duration)
      .default(DEFAULT_CHANNELS_TIMEOUT_MS, formatDuration(DEFAULT_CHANNELS_TIMEOUT_MS)),
  )
  .action(async (options: { json: boolean; timeout: number }) => {
    const timer = setTimeout(
      () =>
        exitWith(new CliFailure(`no answer from the hub within ${formatDuration(options.timeout)}`, EXIT.UNREACHABLE)),
      options.timeout,
    );
    const { hub, units } = await openHub();
    const catalog = await hub.catalog();
    clearTimeout(timer);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
    } else {
      const rows = [...catalog.channels]
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((c) => {
          const last = c.lastValue === null ? null : show(c, c.lastValue, units);
          return [
            c.displayName,
            c.providerName,
            last?.unit ?? show(c, 0, units).unit,
            c.quantity ?? '',
            Number(c.rateHz.toFixed(1)),
            last === null ? '' : formatValue(last.value),
          ];
        });
      process.stdout.write(`${formatTable(['channel', 'provider', 'unit', 'quantity', 'Hz', 'last'], rows)}\n`);
    }
    hub.close();
  });

program
  .command('wait')
  .description("exit 0 once '<selector> <op> <number>' holds (op: > >= < <= == !=), 1 on timeout")
  .argument('<condition>', "e.g. 'Digital RPM 1 > 5000'", (text: string) => check(() => parseCondition(text)))
  .addOption(
    new Option('--timeout <duration>', 'e.g. 30s, 500ms, 2m')
      .argParser(duration)
      .default(DEFAULT_WAIT_TIMEOUT_MS, formatDuration(DEFAULT_WAIT_TIMEOUT_MS)),
  )
  .action(async (condition: ReturnType<typeof parseCondition>, options: { timeout: number }) => {
    const { hub, units } = await openHub();
    await requireMatches(hub, [parseSelector(condition.selector)], { all: true });
    const outcome = await runWait(hub, condition, options.timeout, units);
    if (outcome.code === 0) {
      const { channel, value, unit } = outcome.sample;
      process.stdout.write(`${escapeControl(channel)} = ${value} ${escapeControl(unit)}\n`);
    } else {
      console.error(escapeControl(outcome.message));
    }
    hub.close();
    process.exit(outcome.code);
  });

program
  .command('tune')
  .description('run a virtual tuning session with a progress bar per iteration and a result table')
  .addOption(choicesAnyCase(new Option('--profile <id>', 'engine profile (hub default m8_114)'), ENGINE_PROFILE_IDS))
  .addOption(choicesAnyCase(new Option('--scenario <name>', 'starting VE table (hub default lean)'), VE_SCENARIOS))
  .option('--max-iterations <n>', 'iteration limit, 1 to 50 (hub default 10)', integerIn(1, 50))
  .option('--seed <n>', 'random seed, 0 to 4294967295 (hub default 42)', integerIn(0, 0xffff_ffff))
  .action(
    async (options: {
      profile?: SessionStartInput['engine_profile'];
      scenario?: SessionStartInput['base_ve_scenario'];
      maxIterations?: number;
      seed?: number;
    }) => {
      const input: SessionStartInput = {};
      if (options.profile) input.engine_profile = options.profile;
      if (options.scenario) input.base_ve_scenario = options.scenario;
      if (options.maxIterations !== undefined) input.max_iterations = options.maxIterations;
      if (options.seed !== undefined) input.seed = options.seed;
      const { hub, units } = await openHub();
      process.once('SIGINT', () => {
        hub.close();
        process.exit(130);
      });
      const results = await runTune(hub, input, process.stdout, units);
      hub.close();
      process.exit(results.converged ? EXIT.OK : EXIT.NOT_MET);
    },
  );

registerRunsAnalysisCommands(registerRunsCommands(program, openHub), openHub);
program
  .command('replay')
  .description("replay a recorded run through the hub's live pipeline, showing its position (operator token)")
  .argument('<run-id>', 'the run, e.g. 20261129T120000Z-0a1b2c')
  .option('--rate <x>', 'speed, 0.1 to 20 × real time', replayRate, 1)
  .option('--from <duration>', 'start this far into the run (e.g. 2s)', duration)
  .option('--to <duration>', 'end this far into the run', duration)
  .option('--loop', 'start over at the end until Ctrl-C (else exit when it ends)', false)
  .action(async (runId: string, options: { rate: number; from?: number; to?: number; loop: boolean }) => {
    const { hub } = await openHub();
    const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    const last = await runReplay(hub, runId, options, process.stdout, interrupted);
    process.stdout.write(`${formatReplayStatus(last)}\n`);
    hub.close();
    process.exit(EXIT.OK);
  });
addAnalysisCommand(program, openHub);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; every other commander error is a usage error.
    process.exit(error.exitCode === 0 ? EXIT.OK : EXIT.USAGE);
  }
  exitWith(error);
}
