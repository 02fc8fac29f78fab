import type { DatagramSource } from '../transport/types.js';

// The black box: the last few seconds of raw datagrams, so a run detected late still has its lead-in. It sits on
// the hot path, so every datagram is copied into one preallocated byte buffer (no allocation per datagram) and its
// facts go into preallocated typed arrays; bytes are bounded by the buffer and datagrams by the entry arrays.

export interface BlackBoxRingOptions {
  /** Keep datagrams this long, ms. */
  maxAgeMs: number;
  /** Byte buffer size: the ring never holds more. */
  capacityBytes: number;
  /** Datagrams held at most (default: one per 64 bytes of capacity). */
  maxEntries?: number;
}

export interface BlackBoxRingStats {
  entries: number;
  bytes: number;
  capacityBytes: number;
  /** Bytes allocated for the ring (buffer + entry arrays). */
  memoryBytes: number;
  /** Datagrams pushed out before their age was up (buffer or entry array full). */
  dropped: number;
  /** Datagrams not kept: from a 256th distinct source, or larger than the whole buffer. */
  refused: number;
}

export type RingVisitor = (bytes: Uint8Array, source: DatagramSource, receivedAt: number) => void;

/** Datagrams copied out of the ring in one piece: the bytes and the facts as columns. */
export interface RingBatch {
  /** The datagrams' bytes, back to back. */
  bytes: Uint8Array;
  lengths: Uint32Array;
  /** Receive times, epoch ms. */
  times: Float64Array;
  /** Index of each datagram's source in `sources()`. */
  sources: Uint8Array;
}

/** Where copyRange copies to (the journal's segment record), instead of new arrays. */
export interface RingBatchAllocator {
  /** A batch has at most this many datagrams. */
  readonly maxEntries: number;
  /** Arrays of exactly `n` entries and `size` bytes. */
  alloc(n: number, size: number): RingBatch;
}

function newBatch(n: number, size: number): RingBatch {
  return {
    bytes: new Uint8Array(size),
    lengths: new Uint32Array(n),
    times: new Float64Array(n),
    sources: new Uint8Array(n),
  };
}

/** At most this many distinct sources (a source index is one byte). */
const MAX_SOURCES = 255;

export class BlackBoxRing {
  readonly #maxAgeMs: number;
  readonly #buffer: Uint8Array;
  readonly #offsets: Uint32Array;
  readonly #lengths: Uint32Array;
  readonly #times: Float64Array;
  readonly #sources: Uint8Array;
  readonly #sourceIndex = new Map<string, number>();
  readonly #sourceList: DatagramSource[] = [];
  #first = 0;
  #count = 0;
  #head = 0;
  #bytes = 0;
  #dropped = 0;
  #refused = 0;
  #lastAddress = '';
  #lastPort = -1;
  #lastSource = -1;
  /** Datagrams kept since creation: the sequence number the next one gets. */
  #total = 0;

  constructor(options: BlackBoxRingOptions) {
    const entries = options.maxEntries ?? Math.max(16, Math.floor(options.capacityBytes / 64));
    this.#maxAgeMs = options.maxAgeMs;
    this.#buffer = new Uint8Array(options.capacityBytes);
    this.#offsets = new Uint32Array(entries);
    this.#lengths = new Uint32Array(entries);
    this.#times = new Float64Array(entries);
    this.#sources = new Uint8Array(entries);
  }

  push(bytes: Uint8Array, from: DatagramSource, receivedAt: number): void {
    const len = bytes.byteLength;
    const source = len > this.#buffer.byteLength ? -1 : this.#sourceOf(from);
    if (source < 0) {
      this.#refused++;
      return;
    }
    this.#expire(receivedAt - this.#maxAgeMs);
    if (this.#count === this.#offsets.length) this.#evictOldest();
    const at = this.#makeRoom(len);
    this.#buffer.set(bytes, at);
    this.#head = at + len;
    const slot = (this.#first + this.#count) % this.#offsets.length;
    this.#offsets[slot] = at;
    this.#lengths[slot] = len;
    this.#times[slot] = receivedAt;
    this.#sources[slot] = source;
    this.#count++;
    this.#bytes += len;
    this.#total++;
  }

  /** The sequence number the next datagram gets (each kept datagram has one, counting from 0). */
  get nextSeq(): number {
    return this.#total;
  }

  /** The sequence number of the oldest datagram received at or after `sinceMs` (nextSeq when there is none). */
  seqSince(sinceMs: number): number {
    for (let i = 0; i < this.#count; i++) {
      if (this.#times[(this.#first + i) % this.#offsets.length] >= sinceMs) return this.#total - this.#count + i;
    }
    return this.#total;
  }

  /**
   * Visits datagrams `fromSeq` … `toSeq - 1` still held, oldest first, until `visit` returns false. Returns the
   * sequence number to continue from and how many of them had already left the ring (lost to whoever reads).
   */
  forEachFrom(
    fromSeq: number,
    toSeq: number,
    visit: (bytes: Uint8Array, source: DatagramSource, receivedAt: number) => boolean,
  ): { next: number; missed: number } {
    const oldest = this.#total - this.#count;
    const start = Math.max(fromSeq, oldest);
    const end = Math.min(toSeq, this.#total);
    const missed = Math.max(0, Math.min(oldest, end) - fromSeq);
    for (let seq = start; seq < end; seq++) {
      const slot = (this.#first + (seq - oldest)) % this.#offsets.length;
      const at = this.#offsets[slot];
      const bytes = this.#buffer.subarray(at, at + this.#lengths[slot]);
      if (!visit(bytes, this.#sourceList[this.#sources[slot]], this.#times[slot])) return { next: seq, missed };
    }
    return { next: Math.max(end, fromSeq), missed };
  }

  /**
   * Copies datagrams `fromSeq` … `toSeq - 1` still held (at most `maxBytes` of them, and at least one; at most
   * `into.maxEntries`) into a batch: bytes in as few copies as they are contiguous in the ring, the facts in one or two
   * copies each. Returns null for the batch when there is nothing to copy, the sequence number to continue from and
   * how many had left. The batch is new arrays, or `into`'s (the journal's segment record, reused).
   */
  copyRange(
    fromSeq: number,
    toSeq: number,
    maxBytes: number,
    into?: RingBatchAllocator,
  ): { batch: RingBatch | null; next: number; missed: number } {
    const oldest = this.#total - this.#count;
    const start = Math.max(fromSeq, oldest);
    let end = Math.min(toSeq, this.#total, into ? start + into.maxEntries : Number.POSITIVE_INFINITY);
    const missed = Math.max(0, Math.min(oldest, toSeq, this.#total) - fromSeq);
    const cap = this.#offsets.length;
    let size = 0;
    for (let seq = start; seq < end; seq++) {
      const len = this.#lengths[(this.#first + (seq - oldest)) % cap];
      if (size + len > maxBytes && seq > start) {
        end = seq;
        break;
      }
      size += len;
    }
    if (end <= start) return { batch: null, next: Math.max(end, fromSeq), missed };
    const n = end - start;
    const batch = into ? into.alloc(n, size) : newBatch(n, size);
    const slot0 = (this.#first + (start - oldest)) % cap;
    const firstPart = Math.min(n, cap - slot0);
    for (const [from, to, at] of [
      [slot0, slot0 + firstPart, 0],
      [0, n - firstPart, firstPart],
    ]) {
      if (to <= from) continue;
      batch.lengths.set(this.#lengths.subarray(from, to), at);
      batch.times.set(this.#times.subarray(from, to), at);
      batch.sources.set(this.#sources.subarray(from, to), at);
    }
    this.#copyBytes(slot0, n, batch.bytes);
    return { batch, next: end, missed };
  }

  /** The bytes of `n` datagrams from `slot0` on into `out`: one copy per stretch that lies contiguous in the ring. */
  #copyBytes(slot0: number, n: number, out: Uint8Array): void {
    const cap = this.#offsets.length;
    let spanStart = this.#offsets[slot0];
    let spanEnd = spanStart;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const slot = (slot0 + i) % cap;
      const at = this.#offsets[slot];
      if (at !== spanEnd) {
        out.set(this.#buffer.subarray(spanStart, spanEnd), pos);
        pos += spanEnd - spanStart;
        spanStart = at;
      }
      spanEnd = at + this.#lengths[slot];
    }
    out.set(this.#buffer.subarray(spanStart, spanEnd), pos);
  }

  /** The sources datagrams came from, by the index a batch gives (append-only: an index never changes). */
  sources(): readonly DatagramSource[] {
    return this.#sourceList;
  }

  /** Visits the datagrams received at or after `sinceMs`, oldest first; `bytes` is a view: copy what you keep. */
  forEachSince(sinceMs: number, visit: RingVisitor): number {
    let visited = 0;
    for (let i = 0; i < this.#count; i++) {
      const slot = (this.#first + i) % this.#offsets.length;
      if (this.#times[slot] < sinceMs) continue;
      const at = this.#offsets[slot];
      visit(
        this.#buffer.subarray(at, at + this.#lengths[slot]),
        this.#sourceList[this.#sources[slot]],
        this.#times[slot],
      );
      visited++;
    }
    return visited;
  }

  stats(): BlackBoxRingStats {
    const n = this.#offsets.length;
    return {
      entries: this.#count,
      bytes: this.#bytes,
      capacityBytes: this.#buffer.byteLength,
      memoryBytes: this.#buffer.byteLength + n * (4 + 4 + 8 + 1),
      dropped: this.#dropped,
      refused: this.#refused,
    };
  }

  #sourceOf(from: DatagramSource): number {
    // Nearly every datagram comes from the same source as the one before: no key string on the hot path.
    if (from.port === this.#lastPort && from.address === this.#lastAddress) return this.#lastSource;
    const index = this.#lookupSource(from);
    if (index >= 0) {
      this.#lastAddress = from.address;
      this.#lastPort = from.port;
      this.#lastSource = index;
    }
    return index;
  }

  #lookupSource(from: DatagramSource): number {
    const key = `${from.address}:${from.port}`;
    const known = this.#sourceIndex.get(key);
    if (known !== undefined) return known;
    if (this.#sourceList.length >= MAX_SOURCES) return -1;
    this.#sourceList.push({ address: from.address, port: from.port });
    this.#sourceIndex.set(key, this.#sourceList.length - 1);
    return this.#sourceList.length - 1;
  }

  #expire(olderThan: number): void {
    while (this.#count > 0 && this.#times[this.#first] < olderThan) this.#removeOldest();
  }

  #evictOldest(): void {
    this.#removeOldest();
    this.#dropped++;
  }

  #removeOldest(): void {
    this.#bytes -= this.#lengths[this.#first];
    this.#first = (this.#first + 1) % this.#offsets.length;
    this.#count--;
    if (this.#count === 0) this.#head = 0;
  }

  /** Where `len` bytes go: after the newest datagram, or at the start once the end is reached, evicting the oldest. */
  #makeRoom(len: number): number {
    const cap = this.#buffer.byteLength;
    for (;;) {
      if (this.#count === 0) return 0;
      const tail = this.#offsets[this.#first];
      if (tail >= this.#head) {
        // Wrapped: the free space is between the newest and the oldest.
        if (this.#head + len <= tail) return this.#head;
      } else {
        if (this.#head + len <= cap) return this.#head;
        if (len <= tail) return 0;
      }
      this.#evictOldest();
    }
  }
}
