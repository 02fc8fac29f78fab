import type { FileHandle } from 'node:fs/promises';
import type { IWritable } from '@mcap/core';

// McapWriter's output straight to the file. McapWriter awaits each write before it reuses its buffer, so nothing is
// copied; it writes in large pieces (a whole chunk, or everything since the journal's last flush marker).

export class FileWritable implements IWritable {
  readonly #handle: FileHandle;
  #position = 0n;
  #written = 0;

  constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  async write(buffer: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < buffer.byteLength) {
      const { bytesWritten } = await this.#handle.write(buffer, offset, buffer.byteLength - offset);
      offset += bytesWritten;
    }
    this.#position += BigInt(buffer.byteLength);
    this.#written += buffer.byteLength;
  }

  position(): bigint {
    return this.#position;
  }

  /** Bytes on disk so far. */
  get written(): number {
    return this.#written;
  }
}
