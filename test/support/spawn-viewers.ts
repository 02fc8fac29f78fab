import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ViewerCommand, ViewerMessage } from './viewer-protocol.js';

const SCRIPT = fileURLToPath(new URL('./viewer-process.ts', import.meta.url));

export interface ViewerStats {
  frames: number;
  samples: number;
  /** See histogramBucket in viewer-protocol.ts. */
  histogram: number[];
}

export interface ViewerGroup {
  child: ChildProcess;
  /** Events the viewers reported (viewer:lagging, viewer:evicted, disconnect), in arrival order. */
  events: { event: string; detail: unknown }[];
  stats(reset?: boolean): Promise<ViewerStats>;
  /** SIGSTOP / SIGCONT: the viewers stop reading their sockets for real. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Starts a child process with `clients` viewers and resolves once all of them are connected and subscribed. */
export async function spawnViewers(options: {
  url: string;
  clients: number;
  selectors?: string[];
  parser?: 'json' | 'msgpack';
  /** 'eio-min': the Engine.IO/Socket.IO wire protocol over plain ws, no socket.io-client (bench diagnostic only). */
  transport?: 'socketio' | 'ws' | 'eio-min';
  stride?: number;
}): Promise<ViewerGroup> {
  const args = [
    '--url',
    options.url,
    '--clients',
    String(options.clients),
    '--selectors',
    JSON.stringify(options.selectors ?? ['*']),
    '--parser',
    options.parser ?? 'json',
    '--transport',
    options.transport ?? 'socketio',
    '--stride',
    String(options.stride ?? 4),
  ];
  const child = fork(SCRIPT, args, { execArgv: ['--import', 'tsx/esm'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const events: { event: string; detail: unknown }[] = [];
  let pendingStats: ((stats: ViewerStats) => void) | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`viewer process exited with ${code} before it was ready`)));
    child.on('message', (message: ViewerMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'event') events.push({ event: message.event, detail: message.detail });
      else if (message.type === 'stats') {
        pendingStats?.(message);
        pendingStats = null;
      }
    });
  });
  await ready;
  const command = (message: ViewerCommand) => child.send(message);
  return {
    child,
    events,
    stats(reset = false) {
      return new Promise<ViewerStats>((resolve) => {
        pendingStats = resolve;
        command({ type: 'stats', reset });
      });
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      command({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
