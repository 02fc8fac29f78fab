import type { Socket } from 'socket.io';

// Bytes waiting to reach one viewer: packets engine.io holds back while the transport is busy (writeBuffer) plus
// what the underlying ws socket has queued in user space (bufferedAmount). Neither is public API, so both are read
// defensively; a shape we do not recognise counts as 0 rather than throwing in the monitor.

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

export function socketBacklogBytes(socket: Socket): number {
  const conn: unknown = socket.conn;
  if (typeof conn !== 'object' || conn === null) return 0;
  let bytes = 0;
  const writeBuffer = (conn as { writeBuffer?: unknown }).writeBuffer;
  if (Array.isArray(writeBuffer)) {
    for (const packet of writeBuffer as unknown[]) {
      if (typeof packet === 'object' && packet !== null) bytes += sizeOf((packet as { data?: unknown }).data);
    }
  }
  const transport = (conn as { transport?: unknown }).transport;
  if (typeof transport === 'object' && transport !== null) {
    const ws = (transport as { socket?: unknown }).socket;
    if (typeof ws === 'object' && ws !== null) {
      const buffered = (ws as { bufferedAmount?: unknown }).bufferedAmount;
      if (typeof buffered === 'number') bytes += buffered;
    }
  }
  return bytes;
}
