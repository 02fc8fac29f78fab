import { connectViewer, type TestSocket } from './start-test-hub.js';

export interface OpenedConnections {
  sockets: TestSocket[];
  /** connect_error messages (the refusal code) by count. */
  refused: Record<string, number>;
  close(): void;
}

/** Opens `count` connections, `concurrency` at a time, and keeps the ones the hub accepted. */
export async function openConnections(
  url: string,
  count: number,
  options: { token?: string; localAddress?: string; concurrency?: number } = {},
): Promise<OpenedConnections> {
  const sockets: TestSocket[] = [];
  const refused: Record<string, number> = {};
  const concurrency = options.concurrency ?? 16;
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, () =>
      connectViewer(url, options.token, { localAddress: options.localAddress }),
    );
    for (const result of await Promise.allSettled(batch)) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else {
        const code = result.reason instanceof Error ? result.reason.message : String(result.reason);
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }
  }
  return {
    sockets,
    refused,
    close: () => {
      for (const socket of sockets) socket.close();
    },
  };
}
