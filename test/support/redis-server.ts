import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freeTcpPort } from './free-tcp-port.js';
import { until } from './until.js';

export interface TestRedis {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s); resolves when the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop()), resolving once it answers PING. */
  restart(): Promise<void>;
  /** What the server printed so far (for failure messages). */
  output(): string;
  /** The server's process id (a benchmark raises its priority). */
  pid(): number | undefined;
}

/** One PING over a raw TCP connection: true when the server answers +PONG. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

function launch(port: number, log: { text: string }): ChildProcess {
  // No persistence, loopback only: a test's Redis keeps nothing and is reachable from nowhere else.
  const proc = spawn(
    'redis-server',
    ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    log.text = (log.text + chunk.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return proc;
}

async function waitReady(proc: ChildProcess, port: number, log: { text: string }): Promise<void> {
  await until(
    async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `redis-server exited (${proc.exitCode ?? proc.signalCode}) before answering PING:\n${log.text}`,
        );
      }
      return pingOnce(port);
    },
    10_000,
    `redis-server on 127.0.0.1:${port} to answer PING`,
    20,
  );
}

function terminate(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 3000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/**
 * A throwaway `redis-server` on a free loopback port, without persistence, ready once it answers PING. Call stop()
 * in afterAll/afterEach (also runs when a test fails); the process is killed when the test process exits too.
 */
export async function startRedisServer(): Promise<TestRedis> {
  const port = await freeTcpPort();
  const log = { text: '' };
  let proc = launch(port, log);
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitReady(proc, port, log);
  } catch (error) {
    await terminate(proc);
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    output: () => log.text,
    pid: () => proc.pid,
    stop: async () => {
      await terminate(proc);
      process.off('exit', killOnExit);
    },
    restart: async () => {
      await terminate(proc);
      process.off('exit', killOnExit);
      process.once('exit', killOnExit);
      proc = launch(port, log);
      await waitReady(proc, port, log);
    },
  };
}
