import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { decompressHandlers } from './decompress-handlers.js';
import { RUN_METADATA_NAME } from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';

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
      if (json !== undefined) last = JSON.parse(json) as RunMetadata;
    }
    return last;
  } finally {
    await handle.close();
  }
}
