import { join } from 'node:path';
import { NEVER } from 'rxjs';
import type { QuantityResolver } from './channels/types.js';
import type { ClusterNodeConfig } from './cluster/index.js';
import { type HubConfig, operatorReservedConnections } from './config.js';
import type { IngestOptions } from './ingest/index.js';
import { DEFAULT_PONG_LIMITER_OPTIONS } from './jetdrive/create-pong-limiter.js';
import type { RealtimeGateway, RealtimeOptions } from './realtime/index.js';
import type { ReplayManagerOptions } from './replay/index.js';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from './runs/index.js';
import type { SimulatedDynoOptions } from './sim/index.js';
import { defaultInterfaces } from './transport/index.js';

// The hub's configuration turned into each module's options: pure functions, so createHub only wires.

export const LOOPBACK = '127.0.0.1';

/**
 * Interfaces: the configured ones, or loopback only in simulated mode — in live mode every up, multicast-capable IPv4
 * interface plus loopback. Outgoing TTL is 0 while we stay on loopback, 1 otherwise (JetDrive never crosses a router).
 */
export function ingestOptionsOf(config: HubConfig, resolver: QuantityResolver): IngestOptions {
  const interfaces = config.interfaces ?? (config.sim ? [LOOPBACK] : defaultInterfaces());
  const loopbackOnly = interfaces.every((i) => i === LOOPBACK);
  return {
    resolver,
    multicast: {
      groups: config.groups,
      port: config.jetdrivePort,
      interfaces,
      ttl: loopbackOnly ? 0 : 1,
      loopback: true,
      recvBufferSize: config.jetdriveRecvBufferBytes,
    },
    registry: {
      historyMs: config.channelHistoryMs,
      historyMax: config.channelHistoryMax,
      staleWindowMs: config.jetdriveStaleWindowMs,
      maxProviders: config.maxProviders,
      maxChannels: config.maxChannels,
      maxChannelsPerProvider: config.maxChannelsPerProvider,
      staleResetMs: config.jetdriveStaleResetMs,
    },
    passive: config.passive,
    // Playing a recording (--replay): no socket at all; the replay feeds the registry through its own passive node.
    ...(config.replayFile ? { datagrams$: NEVER } : {}),
    node: {
      offlineAfterMs: config.providerTimeoutMs,
      pingIntervalMs: config.clockSyncIntervalMs,
      sourcePolicy: config.jetdriveSourcePolicy,
      maxEvictionsPerS: config.jetdriveMaxEvictionsPerS,
      hostIdChangeMinIntervalMs: config.jetdriveHostIdChangeMinIntervalMs,
      pong: {
        ...DEFAULT_PONG_LIMITER_OPTIONS,
        perHostPerS: config.jetdrivePongRatePerHost,
        totalPerS: config.jetdrivePongRateTotal,
        maxEchoBytes: config.jetdrivePongMaxEchoBytes,
      },
      maxProviders: config.maxProviders,
    },
  };
}

/** Where the data comes from: a recording (--replay) wins over the simulator, which wins over the network. */
export function sourceOf(config: HubConfig): 'simulated' | 'live' | 'replay' {
  if (config.replayFile) return 'replay';
  return config.sim ? 'simulated' : 'live';
}

export function replayOptionsOf(config: HubConfig): Partial<ReplayManagerOptions> & { runsDir: string } {
  return {
    runsDir: join(config.dataDir, 'runs'),
    maxConcurrent: config.replayMaxConcurrent,
    maxFileBytes: config.replayMaxFileBytes,
    offlineAfterMs: config.providerTimeoutMs,
    maxProviders: config.maxProviders,
  };
}

/** The embedded simulator always stays on loopback, whatever the ingest joins. */
export function simulatorOptionsOf(config: HubConfig, extra: Partial<SimulatedDynoOptions> = {}): SimulatedDynoOptions {
  return {
    group: config.groups[0],
    port: config.jetdrivePort,
    iface: LOOPBACK,
    rateHz: config.simRateHz,
    profile: config.simProfile,
    autoPull: config.simAutoPull,
    autoPullIntervalS: config.simAutoPullIntervalS,
    ...extra,
  };
}

export function sessionOptionsOf(config: HubConfig) {
  return {
    maxAgeMin: config.sessionMaxAgeMin,
    maxCount: config.sessionMaxCount,
    sweepIntervalS: config.sessionSweepIntervalS,
    maxRunning: config.sessionMaxRunning,
  };
}

export function socketGuardLimitsOf(config: HubConfig) {
  return {
    maxConnections: config.maxViewers,
    operatorReservedConnections: operatorReservedConnections(config),
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    maxPendingHandshakes: config.maxPendingHandshakes,
    maxPendingHandshakesPerAddress: config.maxPendingHandshakesPerAddress,
    unknownEventsPerMin: config.unknownEventsPerMin,
  };
}

export function realtimeOptionsOf(config: HubConfig): Partial<RealtimeOptions> {
  return {
    connectTimeoutMs: config.connectTimeoutMs,
    maxStreams: config.realtimeMaxStreams,
    maxStreamsPerSocket: config.realtimeMaxStreamsPerSocket,
    maxStreamsPerAddress: config.realtimeMaxStreamsPerAddress,
    flushIntervalMs: config.realtimeFlushMs,
    backlogLimitBytes: config.realtimeBacklogLimitBytes,
    maxBacklogBytes: config.realtimeMaxBacklogBytes,
    stuckAfterMs: config.realtimeStuckAfterMs,
    corsOrigin:
      config.corsOrigins.length === 0 ? false : config.corsOrigins.includes('*') ? true : [...config.corsOrigins],
    // A cluster sits behind a plain load balancer: WebSocket only, so no sticky sessions are needed.
    ...(config.role === 'standalone' ? {} : { transports: ['websocket' as const] }),
  };
}

/** The cluster node's options, or null for a standalone hub. */
export function clusterOptionsOf(config: HubConfig): ClusterNodeConfig | null {
  if (config.role === 'standalone' || config.redisUrl === null) return null;
  return {
    role: config.role,
    redisUrl: config.redisUrl,
    streamMaxLen: config.clusterStreamMaxLen,
    readCount: config.clusterReadCount,
    source: sourceOf(config),
    replayOfflineAfterMs: config.providerTimeoutMs,
    maxProviders: config.maxProviders,
    maxChannelsPerProvider: config.maxChannelsPerProvider,
  };
}

/** The gateway's counters as /metrics reads them (zeros before it exists). */
export function gatewayMetricsOf(gateway: RealtimeGateway | null) {
  const g = gateway?.stats();
  return {
    viewers: g?.viewers ?? 0,
    subscriptions: g?.subscriptions ?? 0,
    conflatedFrames: g?.conflatedFrames ?? 0,
    droppedFrames: g?.droppedFrames ?? 0,
    laggingViewers: g?.laggingViewers ?? 0,
    disconnectedSlow: g?.disconnectedSlow ?? 0,
    refusedSubscriptions: g?.refusedSubscriptions ?? {},
    unjoinedSessionsClosed: g?.unjoinedSessionsClosed ?? 0,
    refusedPackets: {
      UNKNOWN_EVENT: g?.unknownEvents ?? 0,
      ACK_REQUIRED: g?.missingAcks ?? 0,
      INVALID_PAYLOAD: g?.extraArguments ?? 0,
    },
  };
}

/** Run capture: detection thresholds, black box, pre/post-roll, retention and compression from the config. */
export function runOptionsOf(config: HubConfig): RunOptions {
  return {
    ...DEFAULT_RUN_OPTIONS,
    autoRecord: config.runAutoRecord,
    detection: {
      ...DEFAULT_RUN_OPTIONS.detection,
      startRpm: config.runStartRpm,
      minRiseRpmPerS: config.runMinRiseRpmPerS,
      startTps: config.runStartTps,
      endTps: config.runEndTps,
      decelRpmPerS: config.runDecelRpmPerS,
      maxDurationS: config.runMaxDurationS,
    },
    ringMs: config.runBlackBoxS * 1000,
    ringBytes: config.runBlackBoxBytes,
    preRollMs: config.runPreRollS * 1000,
    postRollMs: config.runPostRollS * 1000,
    maxTotalBytes: config.runsMaxTotalBytes,
    maxRuns: config.runsMaxCount,
    compression: config.runCompression,
  };
}
