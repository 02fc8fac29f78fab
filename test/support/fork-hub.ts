import { type ChildProcess, fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { HubConfig } from '../../server/config.js';
import type { HubProcessCommand, HubProcessMessage, LoopDelay } from './hub-process-protocol.js';
import { testHubConfig } from './start-test-hub.js';

// startTestHub's twin in a child process (see hub-process.ts): the hub's event loop is its own, so what a test
// measures there is the hub's work only.

const SCRIPT = fileURLToPath(new URL('./hub-process.ts', import.meta.url));

export interface ForkedHub {
  proc: ChildProcess;
  url: string;
  jetdrivePort: number;
  /** Clears the hub's event-loop delay histogram. */
  resetLoop(timeoutMs?: number): Promise<LoopDelay>;
  /** The hub's event-loop delay since the last reset; rejects when the hub does not answer in time. */
  readLoop(timeoutMs?: number): Promise<LoopDelay>;
  close(): Promise<void>;
}

function request(proc: ChildProcess, command: HubProcessCommand, timeoutMs: number): Promise<LoopDelay> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.off('message', onMessage);
      reject(new Error(`the hub process did not answer ${command.type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: HubProcessMessage) => {
      if (message.type !== 'loop') return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      resolve(message.loop);
    };
    proc.on('message', onMessage);
    proc.send(command);
  });
}

/** Starts a hub (loopback, port 0, fresh data directory, known operator token) in a child process. */
export async function forkHub(config: Partial<HubConfig> = {}, startTimeoutMs = 30_000): Promise<ForkedHub> {
  const full = await testHubConfig(config);
  const { dataDir } = full;
  const proc = fork(SCRIPT, [JSON.stringify(full)], {
    // HUB_EXEC_ARGV: extra node flags for the hub only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
    execArgv: ['--import', 'tsx/esm', ...(process.env.HUB_EXEC_ARGV?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, LOG_LEVEL: full.logLevel },
    stdio: 'inherit',
  });
  const ready = await new Promise<Extract<HubProcessMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the hub process did not start within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    proc.once('exit', (code) => reject(new Error(`the hub process exited with ${code} before it was ready`)));
    proc.on('message', (message: HubProcessMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the hub process failed to start: ${message.message}`));
      }
    });
  });
  return {
    proc,
    url: ready.url,
    jetdrivePort: ready.jetdrivePort,
    resetLoop: (timeoutMs = 10_000) => request(proc, { type: 'loop:reset' }, timeoutMs),
    readLoop: (timeoutMs = 10_000) => request(proc, { type: 'loop:read' }, timeoutMs),
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.send({ type: 'stop' } satisfies HubProcessCommand);
        const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
