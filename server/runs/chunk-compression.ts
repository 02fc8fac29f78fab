/// <reference path="./lz4js.d.ts" />
import { compress as zstdCompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import { compress as lz4Compress } from 'lz4js';

// Chunk compression of finished run files. zstd (level 3) was picked by measurement (`npm run bench -- runs`: bytes
// on disk per minute of a 50 Hz run, raw / lz4 / zstd; see the README's Runs section); lz4 stays selectable.

export type ChunkCompression = 'zstd' | 'lz4' | 'none';

export type CompressChunk = (data: Uint8Array) => { compression: string; compressedData: Uint8Array };

// zstd-wasm's init() instantiates its module again on every call, breaking the instance others use ("code -10"): one
// init per process, shared with the replay's reader (server/replay/decompress-handlers.ts) through this global key.
const ZSTD_INIT = Symbol.for('jetdrive-hub.zstd-wasm.init');
type WithZstd = typeof globalThis & { [ZSTD_INIT]?: Promise<void> };

function zstdReady(): Promise<void> {
  const g = globalThis as WithZstd;
  g[ZSTD_INIT] ??= zstdInit();
  return g[ZSTD_INIT];
}

/** The compressor for McapWriter (zstd needs its wasm loaded first: awaited here, once per process). */
export async function chunkCompressor(kind: ChunkCompression): Promise<CompressChunk | undefined> {
  if (kind === 'none') return undefined;
  if (kind === 'lz4') return (data) => ({ compression: 'lz4', compressedData: lz4Compress(data) });
  await zstdReady();
  return (data) => ({ compression: 'zstd', compressedData: zstdCompress(data, 3) });
}
