import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type ReplayOptions, type ReplayStatus, replayRunIdSchema } from '@jetdrive-hub/client/contract';
import type { Observable } from 'rxjs';
import type { JetDriveSink } from '../jetdrive/types.js';
import { createLogger } from '../log.js';
import { loadRunFile } from './load-run-file.js';
import { Replay, type ReplayTap } from './replay.js';
import { ReplayError } from './replay-error.js';
import { ReplayTable, type ReplayTableStats } from './replay-table.js';

const log = createLogger('replay');

export interface ReplayManagerOptions {
  /** Replays at once (each is a namespace slot, 1..255); starting one more ends the oldest ended one, else refuses. */
  maxConcurrent: number;
  /** Largest run file a replay loads (it is held in memory while replayed). */
  maxFileBytes: number;
  /** Where run files live: `<DATA_DIR>/runs`. */
  runsDir: string;
  /** While playing, a replay's status is pushed at most this often. */
  statusIntervalMs: number;
  /** Datagrams one replay feeds per event-loop turn at most. */
  maxPerTurn: number;
  offlineAfterMs: number;
  maxProviders: number;
  /** Sees every replayed datagram and each replay's end (cluster mode: the ingest node publishes them to edges). */
  tap?: ReplayTap;
}

export const DEFAULT_REPLAY_OPTIONS: Readonly<Omit<ReplayManagerOptions, 'runsDir'>> = Object.freeze({
  maxConcurrent: 4,
  maxFileBytes: 64 * 1024 * 1024,
  statusIntervalMs: 250,
  maxPerTurn: 2000,
  offlineAfterMs: 5000,
  maxProviders: 64,
});

/** What a replay is asked to do; `max` (benchmarks and tests only) feeds as fast as the pipeline takes it. */
export type ReplayStartOptions = Omit<ReplayOptions, 'rate'> & { rate: number | 'max' };

export type ReplayManagerStats = ReplayTableStats;

export interface ReplayManager {
  /** Replays `<runsDir>/<runId>.mcap`. */
  startRun(runId: string, options: ReplayStartOptions): Promise<ReplayStatus>;
  /** Replays any run file (the `--replay` flag); `label` stands for the run id. */
  startFile(path: string, options: ReplayStartOptions, label?: string): Promise<ReplayStatus>;
  list(): ReplayStatus[];
  get(id: string): ReplayStatus;
  pause(id: string): ReplayStatus;
  resume(id: string): ReplayStatus;
  seek(id: string, positionMs: number): ReplayStatus;
  stop(id: string): ReplayStatus;
  /** Every state change at once, and each playing replay's position every statusIntervalMs. */
  readonly status$: Observable<ReplayStatus>;
  stats(): ReplayManagerStats;
  /** Stops every replay and the status timer. */
  dispose(): void;
}

/** Runs replays side by side, each in its own slot (its providers' namespace), at most maxConcurrent at once. */
export function createReplayManager(
  sink: JetDriveSink,
  options: Partial<ReplayManagerOptions> & { runsDir: string },
): ReplayManager {
  const o: ReplayManagerOptions = { ...DEFAULT_REPLAY_OPTIONS, ...options };
  const table = new ReplayTable(o.maxConcurrent, o.statusIntervalMs);

  async function startFile(path: string, options: ReplayStartOptions, label?: string): Promise<ReplayStatus> {
    const slot = table.takeSlot();
    let added: Replay | null = null;
    try {
      const run = await loadRunFile(path, o.maxFileBytes);
      if ((options.from ?? 0) >= run.durationMs) {
        throw new ReplayError(
          'REPLAY_OUT_OF_RANGE',
          `from: ${options.from} ms is at or past the run's end (${Math.floor(run.durationMs)} ms)`,
          { field: 'from' },
        );
      }
      const id = `rp-${randomBytes(4).toString('hex')}`;
      added = new Replay({ ...o, id, runId: label ?? path, slot, run, sink, options, changed: table.changed });
      table.add(added);
      await added.start();
    } catch (err) {
      if (added) table.remove(added);
      else table.releaseSlot(slot);
      throw err;
    }
    const replay = added;
    const { rate, from, to, loop } = options;
    log.info(
      { replay: replay.id, run: replay.runId, rate, from, to, loop },
      'replay %s of "%s" at %sx',
      replay.id,
      replay.name,
      rate,
    );
    return replay.status();
  }

  const act = (id: string, fn: (r: Replay) => void): ReplayStatus => {
    const r = table.find(id);
    fn(r);
    return r.status();
  };

  return {
    startRun(runId, options) {
      const parsed = replayRunIdSchema.safeParse(runId);
      if (!parsed.success) {
        const why = parsed.error.issues[0]?.message ?? 'is not a run id';
        return Promise.reject(new ReplayError('RUN_NOT_FOUND', `id: "${runId}" ${why}`, { field: 'id' }));
      }
      return startFile(join(o.runsDir, `${parsed.data}.mcap`), options, parsed.data);
    },
    startFile,
    list: () => table.values().map((r) => r.status()),
    get: (id) => table.find(id).status(),
    pause: (id) => act(id, (r) => r.pause()),
    resume: (id) => act(id, (r) => r.resume()),
    seek: (id, positionMs) => act(id, (r) => r.seek(positionMs)),
    stop(id) {
      const r = table.find(id);
      table.remove(r);
      log.info({ replay: id }, 'replay %s stopped', id);
      return r.status();
    },
    status$: table.status$,
    stats: () => ({ ...table.stats }),
    dispose: () => table.dispose(),
  };
}
