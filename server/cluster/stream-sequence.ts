// Each data-stream entry carries `<epoch>:<seq>` in its field `n`: the publishing ingest node's random epoch (new at
// every start) and a counter that goes up by one for every entry it hands to Redis. Entry ids cannot tell an edge
// that entries it had not read were trimmed (MAXLEN ~) — ids are times, not counters — but a jump in the counter can.

export interface StreamSequence {
  epoch: string;
  seq: number;
}

export function formatSequence(s: StreamSequence): string {
  return `${s.epoch}:${s.seq}`;
}

export function parseSequence(text: string): StreamSequence | null {
  const match = /^([^:]+):(\d{1,15})$/.exec(text);
  return match ? { epoch: match[1], seq: Number(match[2]) } : null;
}

/**
 * The reader's side: how many entries were skipped between the last one read and this one. The first entry read,
 * and the first of a new epoch numbered 0 (the ingest node restarted), miss nothing; a new epoch starting above 0
 * lost at least its first entries.
 */
export class SequenceTracker {
  #last: StreamSequence | null = null;

  /** The entries missed just before `next` (0 when none). */
  note(next: StreamSequence): number {
    const last = this.#last;
    this.#last = next;
    if (last === null) return 0;
    if (last.epoch !== next.epoch) return next.seq;
    return Math.max(0, next.seq - last.seq - 1);
  }
}
