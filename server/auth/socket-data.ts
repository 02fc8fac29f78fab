import type { ClientToServerEvents, ServerToClientEvents } from '@jetdrive-hub/client/contract';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { Credential } from './roles.js';

/** Who a socket is, resolved once when it joins (the socket guard fills it); Socket.IO's typed `socket.data`. */
export interface HubSocketData {
  /** Client address (an IPv6 /64 as one), for per-address limits. */
  address: string;
  /** What its token is; commands are checked against it without comparing tokens again. */
  credential: Credential;
  /** Holds the operator token: exempt from per-address caps, spends the operator's control budget. */
  operator: boolean;
}

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, HubSocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, DefaultEventsMap, HubSocketData>;
