#!/usr/bin/env node
// jetdrive CLI: watch live channels, list the catalog, wait for a condition in shell scripts, run a tuning session.
import { Command, InvalidArgumentError } from 'commander';
import { filter, firstValueFrom } from 'rxjs';
import { escapeControl } from './cli/escape-control.js';
import { formatTable, formatValue } from './cli/format-table.js';
import { parseCondition } from './cli/parse-condition.js';
import { parseDuration } from './cli/parse-duration.js';
import { runTune } from './cli/run-tune.js';
import { runWait } from './cli/run-wait.js';
import { runWatch } from './cli/run-watch.js';
import { connectHub, DEFAULT_HUB_URL } from './connect-hub.js';
import type { Hub, WireParser } from './hub-types.js';
import { ENGINE_PROFILE_IDS, type SessionStartInput, VE_SCENARIOS } from '@jetdrive-hub/client/contract';

interface GlobalOptions {
  url: string;
  parser: WireParser;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${text}"`);
  return value;
}

function duration(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

// `jetdrive watch … | head` closes our stdout: that is the reader saying it has enough, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('jetdrive')
  .description('Live JetDrive channels from a jetdrive-hub (token, if the hub needs one: env JETDRIVE_HUB_TOKEN)')
  .option('--url <url>', 'hub URL (env JETDRIVE_HUB_URL)', process.env.JETDRIVE_HUB_URL ?? DEFAULT_HUB_URL)
  .option(
    '--parser <parser>',
    'wire parser, json or msgpack (env JETDRIVE_HUB_PARSER)',
    process.env.JETDRIVE_HUB_PARSER ?? 'json',
  );

function openHub(): Hub {
  const options = program.opts<GlobalOptions>();
  // The token comes from the environment only: a flag would show in `ps`. `tune` needs the operator's token.
  return connectHub(options.url, { parser: options.parser, token: process.env.JETDRIVE_HUB_TOKEN || undefined });
}

function fail(hub: Hub, error: unknown): never {
  console.error(escapeControl(error instanceof Error ? error.message : String(error)));
  hub.close();
  process.exit(2);
}

program
  .command('watch')
  .description('print live values as a refreshing table (or JSON lines)')
  .argument('<selectors...>', 'names, "Provider/Channel", globs (*RPM*), quantity:rpm, provider:<name|0xID>')
  .option('--hz <n>', 'at most n values per channel per second', positiveNumber)
  .option('--json', 'one JSON line per sample', false)
  .action((selectors: string[], options: { hz?: number; json: boolean }) => {
    const hub = openHub();
    const watch = runWatch(hub, selectors, options, process.stdout, (error) => fail(hub, error));
    process.once('SIGINT', () => {
      watch.stop();
      hub.close();
    });
  });

program
  .command('channels')
  .description('list the channel catalog')
  .option('--json', 'print the catalog as JSON', false)
  .option('--timeout <duration>', 'give up connecting after this long', duration, 10_000)
  .action(async (options: { json: boolean; timeout: number }) => {
    const hub = openHub();
    const timer = setTimeout(
      () => fail(hub, new Error(`no answer from the hub within ${options.timeout} ms`)),
      options.timeout,
    );
    await firstValueFrom(hub.connection$.pipe(filter((state) => state.state === 'connected')));
    const catalog = await hub.catalog().catch((error: unknown) => fail(hub, error));
    clearTimeout(timer);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`);
    } else {
      const rows = [...catalog.channels]
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((c) => [
          c.displayName,
          c.providerName,
          c.unit,
          c.quantity ?? '',
          Number(c.rateHz.toFixed(1)),
          c.lastValue === null ? '' : formatValue(c.lastValue),
        ]);
      process.stdout.write(`${formatTable(['channel', 'provider', 'unit', 'quantity', 'Hz', 'last'], rows)}\n`);
    }
    hub.close();
  });

program
  .command('wait')
  .description("exit 0 once '<selector> <op> <number>' holds (op: > >= < <= == !=), 1 on timeout")
  .argument('<condition>', "e.g. 'Digital RPM 1 > 5000'")
  .option('--timeout <duration>', 'e.g. 30s, 500ms, 2m', duration, 30_000)
  .action(async (text: string, options: { timeout: number }) => {
    let condition: ReturnType<typeof parseCondition>;
    try {
      condition = parseCondition(text);
    } catch (error) {
      console.error((error as Error).message);
      process.exit(2);
    }
    const hub = openHub();
    const outcome = await runWait(hub, condition, options.timeout);
    if (outcome.code === 0) {
      const { channel, value, unit } = outcome.sample;
      process.stdout.write(`${escapeControl(channel)} = ${value} ${escapeControl(unit)}\n`);
    } else {
      console.error(escapeControl(outcome.message));
    }
    hub.close();
    process.exit(outcome.code);
  });

/** A flag whose value must be one of the contract's names; anything else exits with the list. */
function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  console.error(`${flag} "${value}": expected one of ${allowed.join(', ')}`);
  process.exit(2);
}

program
  .command('tune')
  .description('run a virtual tuning session with a progress bar per iteration and a result table')
  .option('--profile <id>', 'engine profile (m8_114, m8_131, twin_cam_103, sportbike_600)')
  .option('--scenario <name>', 'starting VE table: perfect, lean, rich or custom')
  .option('--max-iterations <n>', 'iteration limit', positiveNumber)
  .option('--seed <n>', 'random seed', Number)
  .action(async (options: { profile?: string; scenario?: string; maxIterations?: number; seed?: number }) => {
    const input: SessionStartInput = {};
    if (options.profile) input.engine_profile = oneOf('--profile', options.profile, ENGINE_PROFILE_IDS);
    if (options.scenario) input.base_ve_scenario = oneOf('--scenario', options.scenario, VE_SCENARIOS);
    if (options.maxIterations) input.max_iterations = options.maxIterations;
    if (options.seed !== undefined) input.seed = options.seed;
    const hub = openHub();
    process.once('SIGINT', () => {
      hub.close();
      process.exit(130);
    });
    const results = await runTune(hub, input, process.stdout).catch((error: unknown) => fail(hub, error));
    hub.close();
    process.exit(results.converged ? 0 : 1);
  });

await program.parseAsync(process.argv);
