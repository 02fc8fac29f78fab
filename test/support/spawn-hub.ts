import type { ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type RunningScript, runProcess, runTsScript } from './run-ts-script.js';
import { until } from './until.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnHubOptions {
  jetdrivePort: number;
  dataDir: string;
  /** More CLI flags, e.g. `--no-sim`. */
  args?: readonly string[];
  /**
   * JetDrive interface(s) to join and send on: loopback unless a test asks otherwise (network safety: a live-mode
   * hub left to its own default would join every interface of this machine).
   */
  iface?: string;
  /** More environment, over the test's own. */
  env?: Readonly<Record<string, string>>;
  /** The HTTP port (default 0: the OS picks one). */
  port?: number;
}

export interface SpawnedHub {
  proc: ChildProcess;
  /** Everything the hub wrote to stdout so far (JSON log lines). */
  output(): string;
  /** The hub's base URL, once it logs that it listens. */
  listening(timeoutMs?: number): Promise<string>;
}

function hubArgs(options: SpawnHubOptions): string[] {
  return [
    '--port',
    String(options.port ?? 0),
    '--jetdrive-port',
    String(options.jetdrivePort),
    '--data-dir',
    options.dataDir,
    '--iface',
    options.iface ?? '127.0.0.1',
    ...(options.args ?? []),
  ];
}

const hubEnv = (options: SpawnHubOptions) => ({ LOG_LEVEL: 'info', LOG_JSON: '1', VITEST: '', ...options.env });

function spawned(run: Pick<RunningScript, 'proc' | 'stdout'>): SpawnedHub {
  return {
    proc: run.proc,
    output: run.stdout,
    listening: (timeoutMs = 20_000) =>
      until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1], timeoutMs, 'the hub to listen'),
  };
}

/**
 * The hub as a real process: server/main.ts on an OS-chosen HTTP port, logging JSON at info to stdout, its
 * JetDrive traffic pinned to loopback.
 */
export function spawnHub(options: SpawnHubOptions): SpawnedHub {
  return spawned(runTsScript('server/main.ts', hubArgs(options), hubEnv(options)));
}

/** `npm start -- …` itself, as a process manager runs it: `proc` is the npm process, the hub its descendant. */
export function spawnNpmStart(options: SpawnHubOptions): SpawnedHub {
  return spawned(runProcess(['npm', 'start', '--silent', '--', ...hubArgs(options)], hubEnv(options), REPO));
}

/**
 * The package bin `jetdrive-hub` as `npm install -g` or `npm link` installs it: `command` is a symlink to
 * server/jetdrive-hub.mjs, run directly (its shebang) from `cwd`, so `proc` is the hub itself.
 */
export function spawnBin(command: string, options: SpawnHubOptions, cwd: string): SpawnedHub {
  return spawned(runProcess([command, ...hubArgs(options)], hubEnv(options), cwd));
}

/** Pids of the processes on this machine whose command line contains `marker` (e.g. a test's own data directory). */
export async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(marker))) pids.push(Number(entry));
  }
  return pids;
}
