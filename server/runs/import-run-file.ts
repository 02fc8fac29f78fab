import type { RunMetadata } from '@jetdrive-hub/client/contract';
import type { ChunkCompression } from './chunk-compression.js';
import { rewriteRunFile } from './rewrite-run-file.js';
import type { RunFileSystem } from './run-file-system.js';
import { createRunId } from './run-id.js';
import type { RunLibrary } from './run-library.js';
import { startMetadata } from './start-metadata.js';

/**
 * An .mcap recorded by another hub (already stored in `from`, a temp file) joins the library under a new id. It is
 * read whole and rewritten: a file that is not a complete jetdrive run file is refused (INVALID_RUN_FILE) and the
 * library is left as it was. The summary is computed again from its datagrams.
 */
export async function importRunFile(o: {
  library: RunLibrary;
  fs: RunFileSystem;
  from: string;
  compression: ChunkCompression;
  now: number;
}): Promise<RunMetadata> {
  let id = createRunId(o.now);
  while (o.library.has(id)) id = createRunId(o.now);
  const keep = (source: RunMetadata | null): RunMetadata => {
    const base = source ?? startMetadata({ id, name: 'Uploaded run', startedAt: o.now, reason: 'upload' });
    return { ...base, id, pinned: false, recovered: base.recovered === true };
  };
  const result = await rewriteRunFile({
    fs: o.fs,
    from: o.from,
    to: o.library.fileOf(id),
    compression: o.compression,
    strict: true,
    metadata: (facts, final) => (final ? { ...keep(facts.source), datagrams: facts.datagrams } : keep(facts.source)),
  });
  await o.library.add(result.meta, result.sizeBytes);
  return result.meta;
}
