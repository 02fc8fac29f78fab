import type { FileHandle } from 'node:fs/promises';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
import type { DatagramSource } from '../transport/types.js';
import type { ClockOffset } from './datagram-facts.js';
import { FileWritable } from './file-writable.js';
import { clocksRecord, journalHead, sourcesRecord } from './journal-format.js';
import type { RunFileSystem } from './run-file-system.js';

// The file a run is recorded into while it lasts: the raw journal (journal-format.ts), appended through the
// RunFileSystem, so a write error (disk full) fails the step that wrote it. Every record is whole on its own and a
// segment's datagrams are readable up to its last whole one, so a file cut anywhere (kill -9, power loss) reads back
// up to what was written; the recorder appends every pump (50 ms), which bounds what a crash loses. At the end the
// journal is turned into the compressed, indexed run file (rewrite-run-file.ts).

export class RunJournal {
  readonly #writable: FileWritable;
  readonly #handle: FileHandle;
  #sources = 0;
  #clocks = '[]';
  #closed = false;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
    this.#writable = new FileWritable(handle);
  }

  /** Creates the journal (never replacing a file) with its header and the start metadata on disk. */
  static async create(fs: RunFileSystem, file: string, meta: RunMetadata): Promise<RunJournal> {
    const handle = await fs.open(file, 'wx', 0o644);
    const journal = new RunJournal(handle);
    try {
      await journal.#writable.write(journalHead(meta));
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return journal;
  }

  /** Bytes on disk so far. */
  get bytesWritten(): number {
    return this.#writable.written;
  }

  /** Records the ring's sources when some are new since the last call (before a segment that uses them). */
  async noteSources(sources: readonly DatagramSource[]): Promise<void> {
    if (sources.length === this.#sources) return;
    const count = sources.length;
    await this.#writable.write(sourcesRecord(sources));
    this.#sources = count;
  }

  /** Records the provider clocks when they changed (publish_time of the segments that follow). */
  async noteClocks(clocks: ReadonlyMap<number, ClockOffset>): Promise<void> {
    const json = JSON.stringify([...clocks]);
    if (json === this.#clocks) return;
    await this.#writable.write(clocksRecord(clocks));
    this.#clocks = json;
  }

  /** Appends a whole segment record (the journal's segment buffer after a ring copy); resolves once written. */
  async append(segment: Uint8Array): Promise<void> {
    await this.#writable.write(segment);
  }

  /** Syncs (unless abandoning after a write error) and closes the file; the journal stays for the rewrite. */
  async close(sync = true): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (sync) await this.#handle.sync();
    } finally {
      await this.#handle.close();
    }
  }
}
