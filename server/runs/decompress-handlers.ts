import lz4Decompress from '@foxglove/wasm-lz4';
import type { DecompressHandlers } from '@mcap/core';
import { decompress as zstdDecompress } from 'fzstd';

let ready: Promise<unknown> | null = null;

/** Chunk decompression for reading run files: lz4 (wasm, loaded once per process) and zstd (fzstd, pure JS). */
export async function decompressHandlers(): Promise<DecompressHandlers> {
  ready ??= lz4Decompress.isLoaded;
  await ready;
  return {
    lz4: (data, size) => lz4Decompress(data, Number(size)),
    zstd: (data, size) => zstdDecompress(data, new Uint8Array(Number(size))),
  };
}
