import type { RunMetadata } from '@jetdrive-hub/client/contract';

// The run file format agreed on issue 16 (server/protocol/README.md, "Run files (MCAP)").

export const RUN_PROFILE = 'jetdrive';
export const DATAGRAM_TOPIC = 'jetdrive.klhdv';
export const DATAGRAM_ENCODING = 'jetdrive.klhdv';
export const RUN_METADATA_NAME = 'jetdrive-hub.run';
/** One MCAP channel per datagram source, at most this many per file (beyond: counted drops). */
export const MAX_SOURCES_PER_FILE = 64;
export const RUN_FILE_EXTENSION = '.mcap';
/** A run being recorded (or left unfinished by a crash) is a journal beside where its file will be. */
export const JOURNAL_EXTENSION = '.mcap.part';

/**
 * McapWriter options of a journal (and of a file written in one go that a rewrite finishes): unchunked, no indexes —
 * they would grow with every flush marker, and the unchunked writer's metadata index is wrong; the rewrite builds them.
 */
export const JOURNAL_WRITER_OPTIONS = {
  useChunks: false,
  useStatistics: false,
  useMetadataIndex: false,
  useAttachmentIndex: false,
  useChunkIndex: false,
  useSummaryOffsets: false,
} as const;

export function runMetadataRecord(meta: RunMetadata): { name: string; metadata: Map<string, string> } {
  return { name: RUN_METADATA_NAME, metadata: new Map([['json', JSON.stringify(meta)]]) };
}

export function sourceChannelMetadata(address: string, port: number): Map<string, string> {
  return new Map([
    ['source_address', address],
    ['source_port', String(port)],
  ]);
}

/** Epoch ms (fractions kept) to ns, exact to the ns: ms · 1e6 as a double would round to 256 ns at today's epoch. */
export function msToNs(ms: number): bigint {
  if (Number.isInteger(ms)) return BigInt(ms) * 1_000_000n;
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
export const nsToMs = (ns: bigint): number => Number(ns / 1000n) / 1000;
