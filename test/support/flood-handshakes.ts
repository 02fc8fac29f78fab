import { command, type TestSocket } from './start-test-hub.js';

export interface HandshakeFlood {
  sent: number;
  accepted: number;
  refused: number;
}

/**
 * Engine.IO long-polling handshakes without a token, `batch` at a time, until `durationMs` or `maxRequests` —
 * or until `keepGoing` (called after each batch) says stop. Never joins a namespace: the issue 13 handshake attack.
 */
export async function floodHandshakes(
  url: string,
  options: { durationMs: number; maxRequests: number; batch: number; keepGoing?: () => boolean },
): Promise<HandshakeFlood> {
  const polling = `${url}/socket.io/?EIO=4&transport=polling`;
  const deadline = Date.now() + options.durationMs;
  const flood: HandshakeFlood = { sent: 0, accepted: 0, refused: 0 };
  while (flood.sent < options.maxRequests && Date.now() < deadline && (options.keepGoing?.() ?? true)) {
    const requests = Array.from({ length: options.batch }, () =>
      fetch(polling).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      }),
    );
    flood.sent += requests.length;
    for (const status of await Promise.all(requests)) {
      if (status === 200) flood.accepted++;
      else flood.refused++;
    }
  }
  return flood;
}

/** Every socket subscribes to `perSocket` selections no one else uses; outcomes counted by result code. */
export async function subscribeDistinct(
  sockets: readonly TestSocket[],
  perSocket: number,
): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  await Promise.all(
    sockets.map(async (socket, s) => {
      for (let i = 0; i < perSocket; i++) {
        const r = await command(socket, 'channel:subscribe', { selectors: [`squat-${s}-${i}`] });
        const key = r.ok ? 'ok' : r.error.code;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    }),
  );
  return outcomes;
}
