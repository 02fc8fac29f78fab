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

// zstd-wasm's init() instantiates its module again on every call and does not wait for the new instance: a second
// call while or after another module used zstd breaks it (calls fail with "code -10"). One init per process, shared
// through a global key by every module that uses zstd (the recorder's compressor should take it from here too).
const ZSTD_INIT = Symbol.for('jetdrive-hub.zstd-wasm.init');
type WithZstd = typeof globalThis & { [ZSTD_INIT]?: Promise<void> };

/** zstd-wasm initialised once per process, whoever asks first. */
export function zstdReady(): Promise<void> {
  const g = globalThis as WithZstd;
  g[ZSTD_INIT] ??= zstdInit();
  return g[ZSTD_INIT];
}

let ready: Promise<unknown> | null = null;

export function decompressorsReady(): Promise<unknown> {
  ready ??= Promise.all([lz4.isLoaded, zstdReady()]);
  return ready;
}
