import type { FileHandle } from 'node:fs/promises';
import type { RunMetadata } from '@jetdrive-hub/client/contract';
import { FileWritable } from './file-writable.js';
import { type JournalAppend, JournalEncoder, type JournalOutput } from './journal-encoder.js';
import type { JournalPort } from './journal-thread.js';
import type { RunFileSystem } from './run-file-system.js';

// The file a run is recorded into while it lasts: an unchunked MCAP (journal-encoder.ts), so a file cut anywhere
// (kill -9, power loss) reads back up to its last flush marker. The encoding runs where the journal port says (a
// worker thread by default); this side owns the file, through the RunFileSystem, so a write error (disk full) fails
// the step that wrote it, as before. The recorder appends every flushMs at most, which bounds what a crash loses.
// At the end the journal is rewritten into the compressed, indexed run file (rewrite-run-file.ts).

export class RunJournal {
  readonly #writable: FileWritable;
  readonly #handle: FileHandle;
  readonly #port: JournalPort;
  readonly #key: string;
  #closed = false;

  private constructor(handle: FileHandle, port: JournalPort, key: string) {
    this.#handle = handle;
    this.#writable = new FileWritable(handle);
    this.#port = port;
    this.#key = key;
  }

  /**
   * Creates the journal (never replacing a file) and writes the header and the start metadata to disk from this
   * thread (a run is on disk at once, even while the worker starts), then opens its encoder.
   */
  static async create(fs: RunFileSystem, file: string, meta: RunMetadata, port: JournalPort): Promise<RunJournal> {
    const handle = await fs.open(file, 'wx', 0o644);
    const journal = new RunJournal(handle, port, file);
    try {
      await journal.#writable.write(JournalEncoder.head(meta));
      await port.request({ op: 'open', key: file });
    } catch (error) {
      await port.request({ op: 'close', key: file, flush: false }).catch(() => undefined);
      await handle.close().catch(() => undefined);
      throw error;
    }
    return journal;
  }

  /** Bytes on disk so far. */
  get bytesWritten(): number {
    return this.#writable.written;
  }

  /** Records a batch of datagrams (its buffers move to the encoder's thread); resolves once written. */
  async append(append: JournalAppend): Promise<{ messages: number; droppedSources: number }> {
    const output = await this.#port.request({ op: 'append', key: this.#key, append });
    await this.#write(output);
    return { messages: output.messages, droppedSources: output.droppedSources };
  }

  async addMetadata(meta: RunMetadata): Promise<void> {
    await this.#write(await this.#port.request({ op: 'metadata', key: this.#key, meta }));
  }

  async flush(): Promise<void> {
    await this.#write(await this.#port.request({ op: 'flush', key: this.#key }));
  }

  async #write(output: JournalOutput): Promise<void> {
    for (const chunk of output.chunks) await this.#writable.write(chunk);
  }

  /** Flushes (unless abandoning after a write error) and closes the file; the journal stays for finalisation. */
  async close(flush = true): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      const output = await this.#port.request({ op: 'close', key: this.#key, flush });
      if (flush) {
        await this.#write(output);
        await this.#handle.sync();
      }
    } finally {
      await this.#handle.close();
    }
  }
}
