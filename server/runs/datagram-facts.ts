import { msToNs } from './run-file-format.js';

// The header facts an MCAP message carries besides the bytes: the JetDrive sequence number, and for a ChannelValues
// frame the provider's timestamp of its first sample. Read from the bytes directly (no decode, no allocation).

const KEY_CHANNEL_VALUES = 0x02;
const HEADER = 8;

export interface ClockOffset {
  offsetMs: number;
  latencyMs: number;
}

export function sequenceOf(bytes: Uint8Array): number {
  return bytes.byteLength >= HEADER ? bytes[5] : 0;
}

export function hostOf(bytes: Uint8Array): number | null {
  return bytes.byteLength >= HEADER ? bytes[3] | (bytes[4] << 8) : null;
}

/** publish_time: the first sample's provider clock on the hub's epoch when the provider's clock offset is known. */
export function publishTimeNs(bytes: Uint8Array, logTimeNs: bigint, clock: ClockOffset | undefined): bigint {
  if (!clock || bytes.byteLength < HEADER + 10 || bytes[0] !== KEY_CHANNEL_VALUES) return logTimeNs;
  const ts =
    (bytes[HEADER + 2] | (bytes[HEADER + 3] << 8) | (bytes[HEADER + 4] << 16) | (bytes[HEADER + 5] << 24)) >>> 0;
  return msToNs(ts + clock.offsetMs - clock.latencyMs);
}
