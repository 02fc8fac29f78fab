import type { NodeCounters } from './types.js';

export function createNodeCounters(): NodeCounters {
  return {
    datagrams: 0,
    bytes: 0,
    malformed: {},
    unknownKeys: 0,
    trailingBytes: 0,
    partialRecords: 0,
    ignored: { ownMessages: 0, fromAllHosts: 0, notForUs: 0, incompatible: 0 },
    drops: {},
    collisions: 0,
    collisionsSuppressed: 0,
    evictions: 0,
    pongsSuppressed: {},
    conflicts: {},
    sent: {},
  };
}
