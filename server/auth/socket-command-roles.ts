import type { ClientToServerEvents } from '@jetdrive-hub/client/contract';
import type { Role } from './roles.js';

export type SocketCommand = keyof ClientToServerEvents;

/**
 * The role every Socket.IO command needs. The Record is exhaustive over the contract, so a new command does not
 * compile until someone decides its role here. An event name that is not in the contract is not a command at all:
 * the socket guard counts it against the sender and the gateway answers UNKNOWN_EVENT.
 */
export const SOCKET_COMMAND_ROLES: Readonly<Record<SocketCommand, Role>> = Object.freeze({
  'channel:subscribe': 'viewer',
  'channel:unsubscribe': 'viewer',
  'catalog:get': 'viewer',
  'session:watch': 'viewer',
  'session:unwatch': 'viewer',
  'session:list': 'viewer',
  'session:results': 'viewer',
  'session:start': 'operator',
  'session:stop': 'operator',
  'session:cleanup': 'operator',
  'replay:list': 'viewer',
  'replay:start': 'operator',
  'replay:pause': 'operator',
  'replay:resume': 'operator',
  'replay:seek': 'operator',
  'replay:stop': 'operator',
  'run:list': 'viewer',
  'run:get': 'viewer',
  'recording:status': 'viewer',
  'run:update': 'operator',
  'run:delete': 'operator',
  'recording:start': 'operator',
  'recording:stop': 'operator',
  'analysis:watch': 'viewer',
  'analysis:unwatch': 'viewer',
  'analysis:list': 'viewer',
  'analysis:get': 'viewer',
  'analysis:export': 'viewer',
  'analysis:start': 'operator',
  'analysis:stop': 'operator',
  'analysis:reset': 'operator',
  'analysis:delete': 'operator',
  'analysis:add-runs': 'operator',
});

export function isSocketCommand(event: string): event is SocketCommand {
  return Object.hasOwn(SOCKET_COMMAND_ROLES, event);
}

/** The role a command needs; anything outside the contract is treated as control (the strictest). */
export function roleOfCommand(event: string): Role {
  return isSocketCommand(event) ? SOCKET_COMMAND_ROLES[event] : 'operator';
}
