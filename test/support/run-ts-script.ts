import { type ChildProcess, spawn } from 'node:child_process';
import { LOOPBACK_ONLY_ENV } from './network-safety.js';

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningScript {
  proc: ChildProcess;
  /** What the script wrote to stdout so far. */
  stdout(): string;
  /** What the script wrote to stderr so far. */
  stderr(): string;
  /** Once the process exited and its output streams closed (so the output is complete). */
  finished: Promise<ScriptResult>;
}

/**
 * Runs a TypeScript entry point (`node --import tsx/esm <script> …args`) with `env` over the test's environment;
 * `wrap` runs it through another command first (e.g. `['ip', 'netns', 'exec', 'ns1']`). JetDrive interfaces default
 * to loopback (`LOOPBACK_ONLY_ENV`) whatever the caller's environment says; only `env` or a flag can change that.
 */
export function runTsScript(
  script: string,
  args: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
  wrap: readonly string[] = [],
): RunningScript {
  return runProcess([...wrap, process.execPath, '--import', 'tsx/esm', script, ...args], env);
}

/** Runs any command the same way (loopback-only JetDrive unless `env` says otherwise), e.g. `npm start -- …`. */
export function runProcess(
  command: readonly string[],
  env: Readonly<Record<string, string>> = {},
  cwd?: string,
): RunningScript {
  const proc = spawn(command[0], command.slice(1), {
    env: { ...process.env, ...LOOPBACK_ONLY_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const finished = new Promise<ScriptResult>((resolve) =>
    proc.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { proc, stdout: () => stdout, stderr: () => stderr, finished };
}
