import type { ChildProcess } from 'node:child_process';
import { runTsScript } from './run-ts-script.js';
import { until } from './until.js';

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
}

export interface SpawnedHub {
  proc: ChildProcess;
  /** Everything the hub wrote to stdout so far (JSON log lines). */
  output(): string;
  /** The hub's base URL, once it logs that it listens. */
  listening(timeoutMs?: number): Promise<string>;
}

/**
 * `npm start` as a real process: server/main.ts on an OS-chosen HTTP port, logging JSON at info to stdout, its
 * JetDrive traffic pinned to loopback.
 */
export function spawnHub(options: SpawnHubOptions): SpawnedHub {
  const run = runTsScript(
    'server/main.ts',
    [
      '--port',
      '0',
      '--jetdrive-port',
      String(options.jetdrivePort),
      '--data-dir',
      options.dataDir,
      '--iface',
      options.iface ?? '127.0.0.1',
      ...(options.args ?? []),
    ],
    { LOG_LEVEL: 'info', LOG_JSON: '1', VITEST: '', ...options.env },
  );
  return {
    proc: run.proc,
    output: run.stdout,
    listening: (timeoutMs = 20_000) =>
      until(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1], timeoutMs, 'the hub to listen'),
  };
}
