import { io, type Socket } from 'socket.io-client';
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { ClientToServerEvents, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import type { HubOptions } from './hub-types.js';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Socket.IO's own reconnect backoff: ±50 % jitter around each delay. */
const RECONNECT_RANDOMIZATION = 0.5;

/** The client's Socket.IO connection (websocket only unless told, the hub's parser, the operator token). */
export function openHubSocket(
  url: string,
  options: HubOptions,
  reconnectDelayMs: number,
  reconnectDelayMaxMs: number,
): HubSocket {
  return io(url, {
    transports: options.transports ?? ['websocket'],
    reconnectionDelay: reconnectDelayMs,
    reconnectionDelayMax: reconnectDelayMaxMs,
    randomizationFactor: RECONNECT_RANDOMIZATION,
    auth: options.token ? { token: options.token } : {},
    ...(options.parser === 'msgpack' ? { parser: msgpackParser } : {}),
  });
}
