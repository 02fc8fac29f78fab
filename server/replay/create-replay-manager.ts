import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type ReplayOptions, type ReplayStatus, replayRunIdSchema } from '@jetdrive-hub/client/contract';
import { type Observable, Subject } from 'rxjs';
import type { JetDriveSink } from '../jetdrive/types.js';
import { createLogger } from '../log.js';
import { loadRunFile } from './load-run-file.js';
import { Replay } from './replay.js';
import { ReplayError } from './replay-error.js';

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
}

export const DEFAULT_REPLAY_OPTIONS: Readonly<Omit<ReplayManagerOptions, 'runsDir'>> = Object.freeze({
  maxConcurrent: 4,
  maxFileBytes: 256 * 1024 * 1024,
  statusIntervalMs: 250,
  maxPerTurn: 2000,
  offlineAfterMs: 5000,
  maxProviders: 64,
});

/** What a replay is asked to do; `max` (benchmarks and tests only) feeds as fast as the pipeline takes it. */
export type ReplayStartOptions = Omit<ReplayOptions, 'rate'> & { rate: number | 'max' };

export interface ReplayManagerStats {
  active: number;
  started: number;
  refused: number;
  /** Ended replays stopped to make room for a new one. */
  reclaimed: number;
}

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
  const replays = new Map<string, Replay>();
  /** Slots taken, also while a replay's file loads. */
  const slots = new Set<number>();
  const status$ = new Subject<ReplayStatus>();
  const stats: ReplayManagerStats = { active: 0, started: 0, refused: 0, reclaimed: 0 };
  let ticker: NodeJS.Timeout | null = null;

  const tick = (): void => {
    let playing = 0;
    for (const r of replays.values()) {
      if (r.state !== 'playing') continue;
      playing++;
      status$.next(r.status());
    }
    if (playing === 0 && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  };
  const changed = (r: Replay): void => {
    status$.next(r.status());
    if (r.state === 'playing' && !ticker) {
      ticker = setInterval(tick, o.statusIntervalMs);
      ticker.unref();
    }
  };

  const find = (id: string): Replay => {
    const r = replays.get(id);
    if (!r)
      throw new ReplayError('REPLAY_NOT_FOUND', `id: no replay ${id} (GET /api/replays lists them)`, { field: 'id' });
    return r;
  };

  const removeReplay = (r: Replay): void => {
    r.stop();
    replays.delete(r.id);
    slots.delete(r.slot);
    stats.active = replays.size;
  };

  const takeSlot = (): number => {
    if (slots.size >= o.maxConcurrent) {
      const ended = [...replays.values()].find((r) => r.state === 'ended');
      if (ended) {
        removeReplay(ended);
        stats.reclaimed++;
      }
    }
    for (let s = 1; s <= o.maxConcurrent; s++) {
      if (!slots.has(s)) {
        slots.add(s);
        return s;
      }
    }
    stats.refused++;
    throw new ReplayError(
      'TOO_MANY_REPLAYS',
      `${o.maxConcurrent} replays are running (REPLAY_MAX_CONCURRENT): stop one first`,
    );
  };

  async function startFile(path: string, options: ReplayStartOptions, label?: string): Promise<ReplayStatus> {
    const slot = takeSlot();
    let replay: Replay;
    try {
      const run = await loadRunFile(path, o.maxFileBytes);
      const id = `rp-${randomBytes(4).toString('hex')}`;
      replay = new Replay({ ...o, id, runId: label ?? path, slot, run, sink, options, changed });
      replays.set(id, replay);
      stats.active = replays.size;
      stats.started++;
      await replay.start();
    } catch (err) {
      slots.delete(slot);
      throw err;
    }
    log.info(
      {
        replay: replay.id,
        run: replay.runId,
        rate: options.rate,
        from: options.from,
        to: options.to,
        loop: options.loop,
      },
      'replay %s of "%s" started at %sx',
      replay.id,
      replay.name,
      options.rate,
    );
    return replay.status();
  }

  const act = (id: string, fn: (r: Replay) => void): ReplayStatus => {
    const r = find(id);
    fn(r);
    return r.status();
  };

  return {
    startRun(runId, options) {
      const parsed = replayRunIdSchema.safeParse(runId);
      if (!parsed.success) {
        return Promise.reject(
          new ReplayError('RUN_NOT_FOUND', `id: "${runId}" ${parsed.error.issues[0]?.message ?? 'is not a run id'}`, {
            field: 'id',
          }),
        );
      }
      return startFile(join(o.runsDir, `${parsed.data}.mcap`), options, parsed.data);
    },
    startFile,
    list: () => [...replays.values()].map((r) => r.status()),
    get: (id) => find(id).status(),
    pause: (id) => act(id, (r) => r.pause()),
    resume: (id) => act(id, (r) => r.resume()),
    seek: (id, positionMs) => act(id, (r) => r.seek(positionMs)),
    stop(id) {
      const r = find(id);
      removeReplay(r);
      log.info({ replay: id }, 'replay %s stopped', id);
      return r.status();
    },
    status$: status$.asObservable(),
    stats: () => ({ ...stats }),
    dispose() {
      for (const r of [...replays.values()]) removeReplay(r);
      if (ticker) clearInterval(ticker);
      ticker = null;
      status$.complete();
    },
  };
}
