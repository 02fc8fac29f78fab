import { filter, Observable, share, takeWhile } from 'rxjs';
import type { SocketApiDeps } from './create-sessions-api.js';
import type { ReplayOptions, ReplayStatus, Result } from '@jetdrive-hub/client/contract';

/** One replay, as `hub.runs.replay()` hands it back. */
export interface ReplayHandle {
  readonly id: string;
  /** The status when it started. */
  readonly started: ReplayStatus;
  /** Position and state as the hub pushes them (a few times a second while playing); completes once it has ended or stopped. */
  readonly position$: Observable<ReplayStatus>;
  pause(): Promise<ReplayStatus>;
  resume(): Promise<ReplayStatus>;
  /** Continues at `positionMs` (ms from the run's start, within the replay's from–to range). */
  seek(positionMs: number): Promise<ReplayStatus>;
  /** Ends it: its providers leave the hub's catalog. */
  stop(): Promise<ReplayStatus>;
}

/** Replay control of runs recorded by the hub (operator token); part of `hub.runs`. */
export interface ReplayApi {
  /** Replays the run through the hub's live pipeline: its providers appear as `replay:<run name>/<provider>`. */
  replay(runId: string, options: ReplayOptions): Promise<ReplayHandle>;
  /** Every replay the hub has (playing, paused or ended). */
  replays(): Promise<ReplayStatus[]>;
  /** Every replay's status as the hub pushes it. */
  readonly replayStatus$: Observable<ReplayStatus>;
  /** A handle on a replay someone else started (from `replays()` or `replayStatus$`). */
  replayOf(status: ReplayStatus): ReplayHandle;
}

export function createReplayApi(deps: SocketApiDeps): ReplayApi {
  const { socket, request, requestTimeoutMs } = deps;
  const timed = () => socket.timeout(requestTimeoutMs);
  const replayStatus$ = new Observable<ReplayStatus>((subscriber) => {
    const onStatus = (status: ReplayStatus) => subscriber.next(status);
    socket.on('replay:status', onStatus);
    return () => socket.off('replay:status', onStatus);
  });
  const shared$ = replayStatus$.pipe(share());

  const handle = (started: ReplayStatus): ReplayHandle => {
    const id = started.id;
    const call = (send: (ack: (error: Error | null, result: Result<ReplayStatus>) => void) => void) =>
      request<ReplayStatus>(send);
    return {
      id,
      started,
      position$: shared$.pipe(
        filter((s) => s.id === id),
        takeWhile((s) => s.state !== 'ended' && s.state !== 'stopped', true),
      ),
      pause: () => call((ack) => timed().emit('replay:pause', id, ack)),
      resume: () => call((ack) => timed().emit('replay:resume', id, ack)),
      seek: (position) => call((ack) => timed().emit('replay:seek', { id, position }, ack)),
      stop: () => call((ack) => timed().emit('replay:stop', id, ack)),
    };
  };

  return {
    async replay(runId, options) {
      const started = await request<ReplayStatus>((ack) => timed().emit('replay:start', { runId, ...options }, ack));
      return handle(started);
    },
    replays: () => request<ReplayStatus[]>((ack) => timed().emit('replay:list', ack)),
    replayStatus$,
    replayOf: handle,
  };
}
