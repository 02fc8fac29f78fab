import type { FileHandle } from 'node:fs/promises';
import type { IWritable } from '@mcap/core';

// McapWriter's output, collected in memory and written to the file in large writes: on flush() (the recorder's
// timer) or when more than `autoFlushBytes` wait. McapWriter reuses its buffer, so every write is copied.

export class BufferedWritable implements IWritable {
  readonly #handle: FileHandle;
  readonly #autoFlushBytes: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #position = 0n;
  #written = 0;

  constructor(handle: FileHandle, autoFlushBytes = 256 * 1024) {
    this.#handle = handle;
    this.#autoFlushBytes = autoFlushBytes;
  }

  async write(buffer: Uint8Array): Promise<void> {
    if (buffer.byteLength === 0) return;
    this.#pending.push(buffer.slice());
    this.#pendingBytes += buffer.byteLength;
    this.#position += BigInt(buffer.byteLength);
    if (this.#pendingBytes >= this.#autoFlushBytes) await this.flush();
  }

  position(): bigint {
    return this.#position;
  }

  /** Bytes on disk so far. */
  get written(): number {
    return this.#written;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  async flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const parts = this.#pending;
    const size = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    const joined = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    let offset = 0;
    while (offset < joined.byteLength) {
      const { bytesWritten } = await this.#handle.write(joined, offset, joined.byteLength - offset);
      offset += bytesWritten;
    }
    this.#written += size;
  }
}
