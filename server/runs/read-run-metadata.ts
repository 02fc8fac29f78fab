import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { basename } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { decompressHandlers } from './decompress-handlers.js';
import { normaliseRunMetadata } from './normalise-run-metadata.js';
import { RUN_METADATA_NAME } from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';

/** The file's name without folder and extension: the id the library lists it under. */
const idOf = (file: string): string => basename(file).replace(/\.mcap(\.part)?$/, '');

/** The last run metadata record of a finished run file (its summary index finds it), null when it has none. */
export async function readRunMetadata(fs: RunFileSystem, file: string): Promise<RunMetadata | null> {
  const handle = await fs.open(file, 'r');
  try {
    const reader = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
      decompressHandlers: await decompressHandlers(),
    });
    let last: RunMetadata | null = null;
    for await (const record of reader.readMetadata({ name: RUN_METADATA_NAME })) {
      const json = record.metadata.get('json');
      if (json !== undefined) last = normaliseRunMetadata(JSON.parse(json), idOf(file)) ?? last;
    }
    return last;
  } finally {
    await handle.close();
  }
}
