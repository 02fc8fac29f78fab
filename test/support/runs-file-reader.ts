import { open } from 'node:fs/promises';
import lz4Decompress from '@foxglove/wasm-lz4';
import { McapIndexedReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { decompress as zstdDecompress } from 'fzstd';

// An independent reader of run files for the tests: @mcap/core's indexed reader straight on the file, with its own
// decompressors; it shares no code with the hub's recorder (server/runs/).

export interface ReadMessage {
  topic: string;
  source: string;
  data: Uint8Array;
  logTime: bigint;
  publishTime: bigint;
  sequence: number;
}

export interface ReadRunFile {
  profile: string;
  library: string;
  messages: ReadMessage[];
  /** Every `jetdrive-hub.run` metadata record's JSON, in file order. */
  metadata: Record<string, unknown>[];
  compression: string[];
}

export async function readRunFileIndependently(file: string): Promise<ReadRunFile> {
  await lz4Decompress.isLoaded;
  const handle = await open(file, 'r');
  try {
    const reader = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
      decompressHandlers: {
        lz4: (data, size) => lz4Decompress(data, Number(size)),
        zstd: (data, size) => zstdDecompress(data, new Uint8Array(Number(size))),
      },
    });
    const messages: ReadMessage[] = [];
    for await (const m of reader.readMessages()) {
      const ch = reader.channelsById.get(m.channelId);
      messages.push({
        topic: ch?.topic ?? '?',
        source: `${ch?.metadata.get('source_address')}:${ch?.metadata.get('source_port')}`,
        data: m.data,
        logTime: m.logTime,
        publishTime: m.publishTime,
        sequence: m.sequence,
      });
    }
    const metadata: Record<string, unknown>[] = [];
    for await (const r of reader.readMetadata({ name: 'jetdrive-hub.run' })) {
      metadata.push(JSON.parse(r.metadata.get('json') ?? '{}') as Record<string, unknown>);
    }
    return {
      profile: reader.header.profile,
      library: reader.header.library,
      messages,
      metadata,
      compression: [...new Set(reader.chunkIndexes.map((c) => c.compression))],
    };
  } finally {
    await handle.close();
  }
}
