import { describe, expect, it } from 'vitest';
import { loadConfig, operatorReservedConnections } from '../../../server/config.js';

describe('connection, handshake and stream limits in the config', () => {
  it('defaults to the documented limits', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({
      maxConnectionsPerAddress: 50,
      maxPendingHandshakes: 256,
      maxPendingHandshakesPerAddress: 32,
      connectTimeoutMs: 5000,
      unknownEventsPerMin: 20,
      realtimeMaxStreams: 2000,
      realtimeMaxStreamsPerSocket: 16,
      realtimeMaxStreamsPerAddress: 64,
    });
    expect(operatorReservedConnections(c)).toBe(10);
    // A small hub keeps a tenth for the operator rather than refusing to start.
    expect(operatorReservedConnections(loadConfig(['--max-viewers', '4'], {}))).toBe(0);
    expect(operatorReservedConnections(loadConfig(['--max-viewers', '50'], {}))).toBe(5);
  });

  it('reads every limit from the environment', () => {
    const c = loadConfig([], {
      HUB_OPERATOR_RESERVED_CONNECTIONS: '3',
      HUB_MAX_CONNECTIONS_PER_ADDRESS: '7',
      HUB_MAX_PENDING_HANDSHAKES: '99',
      HUB_MAX_PENDING_HANDSHAKES_PER_ADDRESS: '9',
      HUB_CONNECT_TIMEOUT_MS: '2500',
      HUB_UNKNOWN_EVENTS_PER_MIN: '5',
      REALTIME_MAX_STREAMS: '300',
      REALTIME_MAX_STREAMS_PER_SOCKET: '4',
      REALTIME_MAX_STREAMS_PER_ADDRESS: '12',
    });
    expect(c).toMatchObject({
      maxConnectionsPerAddress: 7,
      maxPendingHandshakes: 99,
      maxPendingHandshakesPerAddress: 9,
      connectTimeoutMs: 2500,
      unknownEventsPerMin: 5,
      realtimeMaxStreams: 300,
      realtimeMaxStreamsPerSocket: 4,
      realtimeMaxStreamsPerAddress: 12,
    });
    expect(operatorReservedConnections(c)).toBe(3);
  });

  it('refuses a reserve that leaves no slot for anyone else, naming both settings', () => {
    expect(() => loadConfig(['--max-viewers', '10'], { HUB_OPERATOR_RESERVED_CONNECTIONS: '10' })).toThrow(
      /HUB_OPERATOR_RESERVED_CONNECTIONS=10\) must be below maxViewers \(10\)/,
    );
    expect(() => loadConfig([], { HUB_MAX_CONNECTIONS_PER_ADDRESS: '0' })).toThrow(/maxConnectionsPerAddress/);
    expect(() => loadConfig([], { HUB_CONNECT_TIMEOUT_MS: '10' })).toThrow(/connectTimeoutMs/);
  });
});
