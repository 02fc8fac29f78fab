import { decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import lz4Decompress from '@foxglove/wasm-lz4';
import type { DecompressHandlers } from '@mcap/core';

let ready: Promise<unknown> | null = null;

/** Chunk decompression for reading run files (lz4 and zstd; both wasm, loaded once per process). */
export async function decompressHandlers(): Promise<DecompressHandlers> {
  ready ??= Promise.all([lz4Decompress.isLoaded, zstdInit()]);
  await ready;
  return {
    lz4: (data, size) => lz4Decompress(data, Number(size)),
    zstd: (data) => zstdDecompress(data),
  };
}
