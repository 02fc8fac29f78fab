import { decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';
import lz4 from '@foxglove/wasm-lz4';
import type { McapTypes } from '@mcap/core';

/**
 * Chunk decompressors for both compressions a run file may use (the recorder picks one by measurement; zstd by
 * default), both WebAssembly builds loaded once per process. Await `decompressorsReady()` before reading.
 */
export const DECOMPRESS_HANDLERS: McapTypes.DecompressHandlers = {
  lz4: (buffer, size) => lz4(buffer, Number(size)),
  zstd: (buffer) => zstdDecompress(buffer),
};

let ready: Promise<unknown> | null = null;

export function decompressorsReady(): Promise<unknown> {
  ready ??= Promise.all([lz4.isLoaded, zstdInit()]);
  return ready;
}
