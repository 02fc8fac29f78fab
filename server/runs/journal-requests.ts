import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { type JournalAppend, JournalEncoder, type JournalOutput } from './journal-encoder.js';

// What the recorder asks of a journal's encoder, one request at a time per journal (keyed by the journal's file),
// answered with the bytes to append. The same requests run in the worker thread or, without one, in this thread.

export type JournalRequest =
  /** After the journal's head (JournalEncoder.head) is in the file. */
  | { op: 'open'; key: string }
  | { op: 'append'; key: string; append: JournalAppend }
  | { op: 'metadata'; key: string; meta: RunMetadata }
  | { op: 'flush'; key: string }
  /** Flushes (unless `flush` is false: abandoning after a write error) and forgets the journal. */
  | { op: 'close'; key: string; flush: boolean };

export type JournalAnswer = { ok: true; output: JournalOutput } | { ok: false; message: string };

const NOTHING: JournalOutput = { chunks: [], messages: 0, droppedSources: 0 };

/** The encoders of the journals open in one thread. */
export class JournalEncoders {
  readonly #open = new Map<string, JournalEncoder>();

  get size(): number {
    return this.#open.size;
  }

  handle(r: JournalRequest): JournalOutput {
    if (r.op === 'open') {
      if (this.#open.has(r.key)) throw new Error(`journal ${r.key} is already open`);
      this.#open.set(r.key, new JournalEncoder());
      return NOTHING;
    }
    const encoder = this.#open.get(r.key);
    if (!encoder) {
      if (r.op === 'close') return NOTHING;
      throw new Error(`journal ${r.key} is not open (its encoder was lost)`);
    }
    switch (r.op) {
      case 'append':
        return encoder.append(r.append);
      case 'metadata':
        return encoder.metadata(r.meta);
      case 'flush':
        return encoder.flush();
      case 'close':
        this.#open.delete(r.key);
        return r.flush ? encoder.flush() : NOTHING;
    }
  }

  /** Never throws: a failure is an answer. */
  answer(r: JournalRequest): JournalAnswer {
    try {
      return { ok: true, output: this.handle(r) };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** The buffers a request or an answer hands over (moved, not copied, between threads). */
export function transferablesOf(value: JournalRequest | JournalAnswer): ArrayBuffer[] {
  if ('op' in value) {
    if (value.op !== 'append') return [];
    const b = value.append.batch;
    return [b.bytes.buffer, b.lengths.buffer, b.times.buffer, b.sources.buffer] as ArrayBuffer[];
  }
  return value.ok ? value.output.chunks.map((c) => c.buffer as ArrayBuffer) : [];
}
