import { HEADER_SIZE, KEY } from '../protocol/types.js';
import type { Datagram } from '../transport/types.js';

const NAME_BYTES = 50;

export interface CatalogSnapshotLimits {
  maxProviders: number;
  /** ChannelInfo datagrams kept per provider (each names at least one channel, so channels per provider is enough). */
  maxFramesPerProvider: number;
}

export interface CatalogSnapshotStats {
  providers: number;
  /** ChannelInfo datagrams not kept because a limit was reached. */
  dropped: number;
}

/**
 * What an edge that starts late needs to know the catalog: per provider, its latest ChannelInfo datagrams (keyed by
 * the first channel id in each, so a provider re-announcing its channels replaces them instead of adding copies).
 * ClearChannelInfo forgets the provider's. Bounded by provider and frame counts; what does not fit is counted.
 */
export class CatalogSnapshot {
  readonly #providers = new Map<number, Map<number, Datagram>>();
  /** A replayed provider's name prefix (`replay:<run>/`), by its namespaced host id. */
  readonly #prefixes = new Map<number, string>();
  readonly #limits: CatalogSnapshotLimits;
  #dropped = 0;

  constructor(limits: CatalogSnapshotLimits) {
    this.#limits = limits;
  }

  /** Takes a ChannelInfo or ClearChannelInfo datagram (others are ignored); true when the provider's entry changed. */
  note(host: number, key: number, d: Datagram, replayPrefix?: string): boolean {
    if (key === KEY.ClearChannelInfo) return this.forget(host);
    if (key !== KEY.ChannelInfo) return false;
    let frames = this.#providers.get(host);
    if (!frames) {
      if (this.#providers.size >= this.#limits.maxProviders) {
        this.#dropped++;
        return false;
      }
      frames = new Map();
      this.#providers.set(host, frames);
      if (replayPrefix !== undefined) this.#prefixes.set(host, replayPrefix);
    }
    const first = HEADER_SIZE + NAME_BYTES;
    const id = d.bytes.byteLength >= first + 2 ? d.bytes[first] | (d.bytes[first + 1] << 8) : -1;
    const previous = frames.get(id);
    if (previous && Buffer.compare(previous.bytes, d.bytes) === 0) return false;
    if (!previous && frames.size >= this.#limits.maxFramesPerProvider) {
      this.#dropped++;
      return false;
    }
    // Copied: a received datagram's bytes may share a pooled buffer.
    frames.set(id, { ...d, bytes: Buffer.from(d.bytes) });
    return true;
  }

  /** The provider's ChannelInfo datagrams (in channel id order), or empty when it has none. */
  framesOf(host: number): Datagram[] {
    const frames = this.#providers.get(host);
    return frames ? [...frames.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d) : [];
  }

  /** Forgets the provider's frames; true when it had some. */
  forget(host: number): boolean {
    this.#prefixes.delete(host);
    return this.#providers.delete(host);
  }

  /** The replay prefix of a replayed provider, null for a live one. */
  prefixOf(host: number): string | null {
    return this.#prefixes.get(host) ?? null;
  }

  hosts(): number[] {
    return [...this.#providers.keys()];
  }

  stats(): CatalogSnapshotStats {
    return { providers: this.#providers.size, dropped: this.#dropped };
  }
}

/** Several entries in one Redis value: u32 length (LE) then the bytes, repeated. */
export function packEntries(entries: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(e.length, 0);
    parts.push(length, e);
  }
  return Buffer.concat(parts);
}

/** The entries packed by packEntries; a truncated tail is left out. */
export function unpackEntries(packed: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= packed.length) {
    const length = packed.readUInt32LE(at);
    if (at + 4 + length > packed.length) break;
    out.push(packed.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}
