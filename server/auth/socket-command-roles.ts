import type { ClientToServerEvents } from '../../client-sdk/src/events.js';
import type { Role } from './roles.js';

/**
 * The role every Socket.IO command needs. The Record is exhaustive over the contract, so a new command does not
 * compile until someone decides its role here; an event name that is not in the contract needs the operator role.
 */
export const SOCKET_COMMAND_ROLES: Readonly<Record<keyof ClientToServerEvents, Role>> = Object.freeze({
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
});

export function roleOfCommand(event: string): Role {
  return Object.hasOwn(SOCKET_COMMAND_ROLES, event)
    ? SOCKET_COMMAND_ROLES[event as keyof ClientToServerEvents]
    : 'operator';
}
