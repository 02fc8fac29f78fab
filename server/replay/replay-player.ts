import type { ReplayState } from '@jetdrive-hub/client/contract';
import { KEY } from '../protocol/types.js';
import type { RunDatagram } from './load-run-file.js';
import { ReplayError } from './replay-error.js';

export interface PlayerOptions {
  /** × real time; `max` feeds as fast as the pipeline takes it (benchmarks). */
  rate: number | 'max';
  fromMs: number;
  toMs: number;
  loop: boolean;
  /** Datagrams fed in one event-loop turn at most; the rest wait for the next turn (live data keeps flowing). */
  maxPerTurn: number;
}

export interface PlayerDeps {
  /** Feeds one datagram into the pipeline. `jumped` is true for the first one after a seek or a loop. */
  emit(datagram: RunDatagram, jumped: boolean): void;
  /** The state changed (not called for position changes). */
  changed(state: ReplayState): void;
  now?: () => number;
}

/** Most ChannelInfo datagrams sent ahead of a seek's position. */
const MAX_PRIMER = 256;

/** First index whose time is >= t (or > t with `after`). */
function indexAt(datagrams: readonly RunDatagram[], t: number, after = false): number {
  let lo = 0;
  let hi = datagrams.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? datagrams[mid].t <= t : datagrams[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Plays a loaded run's datagrams paced by their log time: position = anchor + elapsed × rate; each turn feeds every
 * datagram due by then (at most maxPerTurn) and sleeps until the next one is due. Pause keeps the position, seek moves
 * it (first re-sending the run's ChannelInfo from before the new position, so the channels keep their names), loop
 * starts the range over. Times are ms from the run's first datagram.
 */
export class ReplayPlayer {
  #state: ReplayState = 'paused';
  #index = 0;
  #end: number;
  #anchorPos: number;
  #anchorWall = 0;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #jumped = false;
  #lastT: number;
  loops = 0;
  emitted = 0;
  readonly #datagrams: readonly RunDatagram[];
  readonly #o: PlayerOptions;
  readonly #d: PlayerDeps;
  readonly #now: () => number;

  constructor(datagrams: readonly RunDatagram[], options: PlayerOptions, deps: PlayerDeps) {
    this.#datagrams = datagrams;
    this.#o = options;
    this.#d = deps;
    this.#now = deps.now ?? (() => performance.now());
    this.#end = indexAt(datagrams, options.toMs, true);
    this.#anchorPos = options.fromMs;
    this.#lastT = options.fromMs;
  }

  get state(): ReplayState {
    return this.#state;
  }

  get rate(): number | 'max' {
    return this.#o.rate;
  }

  position(): number {
    if (this.#o.rate === 'max') return this.#lastT;
    if (this.#state !== 'playing') return this.#anchorPos;
    const p = this.#anchorPos + (this.#now() - this.#anchorWall) * this.#o.rate;
    return Math.min(p, this.#o.toMs);
  }

  start(): void {
    this.#moveTo(this.#o.fromMs, this.#o.fromMs > 0);
    this.#play();
  }

  pause(): void {
    this.#active('pause');
    if (this.#state !== 'playing') return;
    this.#anchorPos = this.position();
    this.#clearTimers();
    this.#set('paused');
  }

  resume(): void {
    this.#active('resume');
    if (this.#state === 'playing') return;
    if (this.#state === 'ended') this.#moveTo(this.#o.fromMs, true);
    this.#play();
  }

  seek(positionMs: number): void {
    this.#active('seek');
    const { fromMs, toMs } = this.#o;
    if (positionMs < fromMs || positionMs > toMs) {
      throw new ReplayError(
        'REPLAY_OUT_OF_RANGE',
        `position: ${positionMs} ms is outside this replay's range ${fromMs}–${toMs} ms`,
        { field: 'position' },
      );
    }
    const wasPlaying = this.#state === 'playing';
    this.#clearTimers();
    this.#moveTo(positionMs, true);
    if (wasPlaying || this.#state === 'ended') this.#play();
  }

  stop(): void {
    if (this.#state === 'stopped') return;
    this.#anchorPos = this.position();
    this.#clearTimers();
    this.#set('stopped');
  }

  #active(what: string): void {
    if (this.#state === 'stopped') throw new ReplayError('REPLAY_NOT_ACTIVE', `cannot ${what}: the replay was stopped`);
  }

  #set(state: ReplayState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#d.changed(state);
  }

  /** Moves the position (and the next datagram) to `t`; a jump re-sends ChannelInfo from before it. */
  #moveTo(t: number, jump: boolean): void {
    this.#index = indexAt(this.#datagrams, t);
    this.#anchorPos = t;
    this.#lastT = t;
    if (!jump) return;
    this.#jumped = true;
    for (const d of this.#primer(this.#index)) this.#feed(d);
  }

  /** The distinct ChannelInfo datagrams before index `end`, in their order (the last copy of each). */
  #primer(end: number): RunDatagram[] {
    const seen = new Map<string, RunDatagram>();
    for (let i = 0; i < end; i++) {
      const d = this.#datagrams[i];
      if (d.bytes[0] !== KEY.ChannelInfo) continue;
      const key = Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength).toString('base64');
      seen.delete(key);
      seen.set(key, d);
      if (seen.size > MAX_PRIMER) seen.delete(seen.keys().next().value as string);
    }
    return [...seen.values()];
  }

  #feed(d: RunDatagram): void {
    const jumped = this.#jumped;
    this.#jumped = false;
    this.#d.emit(d, jumped);
    this.emitted++;
  }

  #play(): void {
    this.#anchorWall = this.#now();
    this.#set('playing');
    this.#turn();
  }

  #clearTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }

  readonly #turn = (): void => {
    this.#timer = null;
    this.#immediate = null;
    if (this.#state !== 'playing') return;
    const due = this.#o.rate === 'max' ? Number.POSITIVE_INFINITY : this.position();
    const datagrams = this.#datagrams;
    let n = 0;
    while (this.#index < this.#end && datagrams[this.#index].t <= due && n < this.#o.maxPerTurn) {
      const d = datagrams[this.#index++];
      this.#lastT = d.t;
      this.#feed(d);
      n++;
    }
    if (this.#index >= this.#end) {
      this.#rangeDone();
      return;
    }
    if (n >= this.#o.maxPerTurn) {
      this.#immediate = setImmediate(this.#turn);
      return;
    }
    const rate = this.#o.rate as number;
    this.#timer = setTimeout(this.#turn, Math.max(0, (datagrams[this.#index].t - due) / rate));
  };

  #rangeDone(): void {
    if (this.#o.loop) {
      this.loops++;
      this.#moveTo(this.#o.fromMs, true);
      this.#anchorWall = this.#now();
      // The next range starts on a later turn: a loop never spins inside one.
      this.#immediate = setImmediate(this.#turn);
      return;
    }
    this.#anchorPos = this.#o.toMs;
    this.#lastT = this.#o.toMs;
    this.#set('ended');
  }
}
