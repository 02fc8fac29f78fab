import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createLogger } from '../log.js';
import type { JournalOutput } from './journal-encoder.js';
import { type JournalAnswer, JournalEncoders, type JournalRequest, transferablesOf } from './journal-requests.js';
import { RunsError } from './runs-error.js';

// Where a journal's MCAP encoding runs. JournalThread: a worker thread (journal-worker.ts), so recording costs the
// event loop one copy of each datagram out of the black box (batched, the buffers moved to the worker) and a file
// write per flush; LocalJournalPort: this thread (RunOptions.journalWorker false: the bench's A/B). Requests are
// answered in order; at most MAX_PENDING wait (the recorder has one or two in flight), more are refused and counted.
// A worker that dies fails what it had (the run stops with the write-error alert, its journal is recovered later)
// and the next request starts a new one.

const log = createLogger('runs');
const MAX_PENDING = 16;

export interface JournalPortStats {
  thread: 'worker' | 'main';
  pending: number;
  /** Requests refused because MAX_PENDING were waiting. */
  refused: number;
  /** Workers lost (crashed or failed to start). */
  workerFailures: number;
}

export interface JournalPort {
  /** Batches move to another thread (each needs buffers of its own); false: they may be views of reused memory. */
  readonly transfers: boolean;
  /** Starts the worker now, so the first run does not wait for it to load. */
  warm(): void;
  request(r: JournalRequest): Promise<JournalOutput>;
  stats(): JournalPortStats;
  /** Stops the worker (what it had pending fails). */
  close(): Promise<void>;
}

export class LocalJournalPort implements JournalPort {
  readonly #encoders = new JournalEncoders();
  readonly transfers = false;

  warm(): void {}

  /** Answered at once (encoding is synchronous), so requests cannot interleave. */
  request(r: JournalRequest): Promise<JournalOutput> {
    try {
      return Promise.resolve(this.#encoders.handle(r));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  stats(): JournalPortStats {
    return { thread: 'main', pending: 0, refused: 0, workerFailures: 0 };
  }

  async close(): Promise<void> {}
}

/** tsx's ESM API (its `register()`), for a worker started from the TypeScript sources by a process without tsx hooks. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } }>;
  };
  const entry = pkg.exports?.['./esm/api']?.import?.default;
  if (typeof entry !== 'string') throw new Error(`${pkgFile}: no "./esm/api" export to start the journal worker with`);
  return pathToFileURL(join(dirname(pkgFile), entry)).href;
}

/** The journal worker (journal-worker.ts), from the compiled JavaScript or the TypeScript sources. */
export function startJournalWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './journal-worker.ts' : './journal-worker.js', import.meta.url);
  if (!fromSource) return new Worker(entry);
  // From the TypeScript sources: tsx registered in the worker first (a worker does not get the tsx CLI's hooks, nor a
  // test runner's; under `node --import tsx` registering again is harmless).
  const code = `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true });
}

interface Waiting {
  resolve(output: JournalOutput): void;
  reject(error: Error): void;
}

export class JournalThread implements JournalPort {
  readonly #start: () => Worker;
  readonly transfers = true;
  #worker: Worker | null = null;
  readonly #waiting: Waiting[] = [];
  #refused = 0;
  #failures = 0;

  /** `start` makes the worker (tests give one that fails). */
  constructor(start: () => Worker = startJournalWorker) {
    this.#start = start;
  }

  warm(): void {
    if (this.#worker) return;
    try {
      this.#spawn();
    } catch (error) {
      // The first request tries again, and fails its run with the alert if it cannot either.
      this.#failures++;
      log.error({ err: error }, 'journal worker not started');
    }
  }

  request(r: JournalRequest): Promise<JournalOutput> {
    if (this.#waiting.length >= MAX_PENDING) {
      this.#refused++;
      return Promise.reject(new RunsError('JOURNAL_QUEUE_FULL', `${MAX_PENDING} journal requests are waiting`));
    }
    let worker: Worker;
    try {
      worker = this.#worker ?? this.#spawn();
    } catch (error) {
      this.#failures++;
      return Promise.reject(this.#failure(error));
    }
    return new Promise<JournalOutput>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      worker.postMessage(r, transferablesOf(r));
    });
  }

  stats(): JournalPortStats {
    return { thread: 'worker', pending: this.#waiting.length, refused: this.#refused, workerFailures: this.#failures };
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#lost(worker, new Error('the recorder stopped'));
    await worker.terminate();
  }

  #spawn(): Worker {
    const worker = this.#start();
    // The hub's lifetime is its servers'; an idle journal worker keeps nothing alive.
    worker.unref();
    worker.on('message', (answer: JournalAnswer) => {
      const waiting = this.#waiting.shift();
      if (!waiting) return;
      if (answer.ok) waiting.resolve(answer.output);
      else waiting.reject(new RunsError('JOURNAL_WORKER_FAILED', `journal encoder: ${answer.message}`));
    });
    worker.on('error', (error) => {
      this.#failures++;
      log.error({ err: error }, 'journal worker failed');
      this.#lost(worker, error);
    });
    worker.on('exit', (code) => {
      if (this.#worker !== worker) return;
      this.#failures++;
      log.error({ code }, 'journal worker exited');
      this.#lost(worker, new Error(`the journal worker exited (code ${code})`));
    });
    this.#worker = worker;
    return worker;
  }

  #failure(error: unknown): RunsError {
    const message = error instanceof Error ? error.message : String(error);
    return new RunsError('JOURNAL_WORKER_FAILED', `journal worker: ${message}`, { cause: error });
  }

  /** A worker gone: whatever it had fails (its journals' encoders went with it). */
  #lost(worker: Worker, error: unknown): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    for (const w of this.#waiting.splice(0)) w.reject(this.#failure(error));
  }
}

export function createJournalPort(worker: boolean): JournalPort {
  return worker ? new JournalThread() : new LocalJournalPort();
}
