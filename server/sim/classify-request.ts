import { ALL_HOSTS, type DecodedFrame } from '../protocol/index.js';

/**
 * What a provider does with a message from the network:
 * - 'collision': another node uses our host id as host and as destination (we take a new id);
 * - 'ping' / 'info': a Ping or RequestChannelInfo for us or for all hosts (answered, within the rate limit);
 * - 'ignore': everything else, our own multicast looped back and broadcasts from ALL_HOSTS included.
 */
export type RequestKind = 'collision' | 'ping' | 'info' | 'ignore';

export function classifyRequest(m: DecodedFrame, hostId: number): RequestKind {
  if (m.host === ALL_HOSTS) return 'ignore';
  if (m.host === hostId) return m.destination === hostId ? 'collision' : 'ignore';
  if (m.destination !== hostId && m.destination !== ALL_HOSTS) return 'ignore';
  if (m.type === 'Ping') return 'ping';
  if (m.type === 'RequestChannelInfo') return 'info';
  return 'ignore';
}
