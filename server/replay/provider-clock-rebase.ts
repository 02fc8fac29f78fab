import { CHANNEL_VALUE_RECORD_SIZE, HEADER_SIZE, KEY } from '../protocol/types.js';

/** Provider timestamps after a jump continue this many ms after the provider's last one. */
const STEP_MS = 1;

interface HostClock {
  /** Added (mod 2^32) to every timestamp of this host since its last jump. */
  shift: number;
  /** The last timestamp we fed, after the shift. */
  lastTs: number;
  /** The next ChannelValues of this host picks a new shift. */
  rebase: boolean;
}

/**
 * Keeps each replayed provider's clock moving forward across seeks and loops. The registry drops a sample whose
 * provider timestamp is far behind its channel's newest (a replay attack on the live network); a replay that loops or
 * seeks back is exactly that, so after a jump each provider's ChannelValues timestamps are shifted to continue from
 * the last one fed. Until the first jump nothing is rewritten: timestamps stay as recorded. Bytes are copied before
 * they are rewritten (the loaded run is replayed again on the next loop).
 */
export class ProviderClockRebase {
  readonly #hosts = new Map<number, HostClock>();
  readonly #maxHosts: number;
  /** ChannelValues of hosts beyond maxHosts, fed unchanged. */
  untracked = 0;

  constructor(maxHosts = 1024) {
    this.#maxHosts = maxHosts;
  }

  /** Playback jumped (seek, loop): every provider's next timestamps continue from its last. */
  jumped(): void {
    for (const h of this.#hosts.values()) h.rebase = true;
  }

  apply(bytes: Uint8Array): Uint8Array {
    if (bytes.byteLength < HEADER_SIZE || bytes[0] !== KEY.ChannelValues) return bytes;
    const length = bytes[1] | (bytes[2] << 8);
    const count = Math.floor(Math.min(length, bytes.byteLength - HEADER_SIZE) / CHANNEL_VALUE_RECORD_SIZE);
    if (count === 0) return bytes;
    const host = bytes[3] | (bytes[4] << 8);
    let clock = this.#hosts.get(host);
    if (!clock) {
      if (this.#hosts.size >= this.#maxHosts) {
        this.untracked++;
        return bytes;
      }
      clock = { shift: 0, lastTs: 0, rebase: false };
      this.#hosts.set(host, clock);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tsAt = (i: number): number => view.getUint32(HEADER_SIZE + i * CHANNEL_VALUE_RECORD_SIZE + 2, true);
    if (clock.rebase) {
      clock.shift = (clock.lastTs + STEP_MS - tsAt(0)) >>> 0;
      clock.rebase = false;
    }
    if (clock.shift === 0) {
      clock.lastTs = tsAt(count - 1);
      return bytes;
    }
    const out = bytes.slice();
    const outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < count; i++) {
      const at = HEADER_SIZE + i * CHANNEL_VALUE_RECORD_SIZE + 2;
      outView.setUint32(at, (outView.getUint32(at, true) + clock.shift) >>> 0, true);
    }
    clock.lastTs = outView.getUint32(HEADER_SIZE + (count - 1) * CHANNEL_VALUE_RECORD_SIZE + 2, true);
    return out;
  }
}
