// Tunables of the realtime gateway. The lead maps env vars / flags onto these in server/config.ts.

export type WireParser = 'json' | 'msgpack';

export interface RealtimeOptions {
  /** Socket.IO parser; the SDK must use the same one. */
  parser: WireParser;
  /** 0 = flush every event-loop turn (setImmediate); N > 0 = at most one flush every N ms. */
  flushIntervalMs: number;
  maxSubscriptionsPerSocket: number;
  maxSelectorsPerSubscription: number;
  /** Distinct streams (selection + rate) across all viewers. */
  maxStreams: number;
  /** Distinct streams one socket may hold; subscribing to a stream it already holds costs nothing. */
  maxStreamsPerSocket: number;
  /** Distinct streams the sockets of one client address may hold together (operator-token holders are exempt). */
  maxStreamsPerAddress: number;
  maxHz: number;
  maxBackfillSeconds: number;
  /** Upper bound on samples in one backfill (all channels together); older samples are left out. */
  maxBackfillSamples: number;
  /** Records per backfill frame. */
  backfillFrameRecords: number;
  /** Samples a stream holds between flushes; more are dropped (counted) — only reachable with huge bursts. */
  maxPendingSamplesPerStream: number;
  /** A viewer with more bytes waiting than this is switched to latest-value conflation. */
  backlogLimitBytes: number;
  /** A lagging viewer resumes normal delivery once its backlog is at or below this. */
  resumeBacklogBytes: number;
  /** A viewer with more bytes waiting than this is disconnected. */
  maxBacklogBytes: number;
  /** A viewer lagging for longer than this is disconnected. */
  stuckAfterMs: number;
  /** How often every viewer's backlog is measured. */
  backlogCheckMs: number;
  /** Largest command payload accepted from a client (Socket.IO maxHttpBufferSize). */
  maxCommandBytes: number;
  /** CORS origins for browser dashboards served elsewhere; true reflects the request origin. */
  corsOrigin: boolean | string[];
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** An Engine.IO session that has not joined the namespace by then is closed (Socket.IO's connectTimeout). */
  connectTimeoutMs: number;
  /**
   * Engine.IO transports accepted. Cluster nodes accept WebSocket only: a long-polling session's requests must all
   * reach the node that holds it (sticky sessions); a WebSocket is one connection, so a plain load balancer works.
   */
  transports: ('polling' | 'websocket')[];
}

export const DEFAULT_REALTIME_OPTIONS: Readonly<RealtimeOptions> = Object.freeze({
  parser: 'json',
  flushIntervalMs: 0,
  maxSubscriptionsPerSocket: 32,
  maxSelectorsPerSubscription: 64,
  maxStreams: 2_000,
  maxStreamsPerSocket: 16,
  maxStreamsPerAddress: 64,
  maxHz: 1_000,
  maxBackfillSeconds: 120,
  maxBackfillSamples: 100_000,
  backfillFrameRecords: 2_000,
  maxPendingSamplesPerStream: 50_000,
  backlogLimitBytes: 512 * 1024,
  resumeBacklogBytes: 64 * 1024,
  maxBacklogBytes: 4 * 1024 * 1024,
  stuckAfterMs: 30_000,
  backlogCheckMs: 50,
  maxCommandBytes: 64 * 1024,
  corsOrigin: true,
  pingIntervalMs: 25_000,
  pingTimeoutMs: 20_000,
  connectTimeoutMs: 5_000,
  transports: ['polling', 'websocket'] as ('polling' | 'websocket')[],
});
