import type { McapTypes } from '@mcap/core';
import lz4 from '@foxglove/wasm-lz4';
import { decompress as zstdDecompress } from 'fzstd';

/**
 * Chunk decompressors for both compressions a run file may use (the recorder picks one by measurement): lz4 through
 * its WebAssembly build, zstd in plain JavaScript. Await `decompressorsReady` once before reading.
 */
export const DECOMPRESS_HANDLERS: McapTypes.DecompressHandlers = {
  lz4: (buffer, size) => lz4(buffer, Number(size)),
  zstd: (buffer, size) => {
    const out = zstdDecompress(buffer, new Uint8Array(Number(size)));
    return out.byteLength === Number(size) ? out : out.subarray(0, Number(size));
  },
};

export const decompressorsReady: Promise<unknown> = lz4.isLoaded;
