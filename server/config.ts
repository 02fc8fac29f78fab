import { networkInterfaces } from 'node:os';
import { zodIssues } from '@jetdrive-hub/client/contract';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { CodedError, type StatusTable } from './errors/coded-error.js';
import { LOG_LEVELS } from './log.js';
import { type InterfaceTable, listIpv4Interfaces, resolveInterface } from './transport/index.js';

// Every number a user might tune, with env and flag overrides. Precedence: flag > env > default.
// The README's configuration table lists the same names.

export const DEFAULT_GROUP = '224.0.2.10';
export const DEFAULT_JETDRIVE_PORT = 22344;

const csv = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'must be an IPv4 address like 224.0.2.10');
const boolText = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine(
    (s) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''].includes(s),
    'must be true or false (or 1/0, yes/no, on/off)',
  )
  .transform((s) => ['1', 'true', 'yes', 'on'].includes(s));
// Printable ASCII without spaces, so a token survives an Authorization header and a shell unquoted.
const token = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(512)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Enum values are case-insensitive wherever they come from (`LOG_LEVEL=Debug`, `--units METRIC`). */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(values));
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);

export const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: int(0, 65535).default(5001),
  groups: z.array(ipv4).min(1).default([DEFAULT_GROUP]),
  jetdrivePort: int(1, 65535).default(DEFAULT_JETDRIVE_PORT),
  /**
   * Interface addresses (names such as `eth0` are resolved by loadConfig); null = loopback in simulated mode, every
   * multicast-capable IPv4 interface in live mode.
   */
  interfaces: z.array(z.string().trim().min(1)).min(1).nullable().default(null),
  passive: z.boolean().default(false),
  sim: z.boolean().default(true),
  simProfile: oneOf(['m8_114', 'm8_131', 'twin_cam_103', 'sportbike_600']).default('m8_114'),
  simRateHz: num(1, 1000).default(50),
  simAutoPull: z.boolean().default(true),
  simAutoPullIntervalS: num(2, 3600).default(15),
  providerTimeoutMs: int(100, 600_000).default(5000),
  /** A live hub that has seen no provider this long after start logs why that might be (once). */
  noProviderWarnMs: int(100, 3_600_000).default(20_000),
  clockSyncIntervalMs: int(100, 3_600_000).default(10_000),
  dataDir: z.string().min(1).default('./data'),
  unitSystem: oneOf(['imperial', 'metric']).default('imperial'),
  /** [] turns CORS off; ['*'] lets any origin read but not control. */
  corsOrigins: z.array(z.string()).default(['*']),
  httpBodyLimit: int(1024, 64 * 1024 * 1024).default(64 * 1024),
  sessionMaxAgeMin: num(1, 10_080).default(60),
  sessionMaxCount: int(1, 10_000).default(100),
  sessionSweepIntervalS: num(1, 86_400).default(300),
  sessionMaxRunning: int(1, 1000).default(8),
  /** Live VE analyses kept at once (running or stopped). */
  analysisMax: int(1, 64).default(4),
  /** An analysis' grid deltas go to its viewers at most this often, ms. */
  analysisPushIntervalMs: int(50, 10_000).default(200),
  jetdriveRecvBufferBytes: int(65_536, 256 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Frames whose source address disagrees with their host id's: `drop` (default) or only `flag` them. */
  jetdriveSourcePolicy: oneOf(['flag', 'drop']).default('drop'),
  /** Samples older than their channel's newest by more than this are dropped and counted. */
  jetdriveStaleWindowMs: int(10, 3_600_000).default(1000),
  /** A provider that sent only stale samples this long restarted its clock: its channels start over. */
  jetdriveStaleResetMs: int(100, 3_600_000).default(3000),
  /** Providers evicted per second at most from a full provider table. */
  jetdriveMaxEvictionsPerS: num(0.1, 10_000).default(10),
  /** Our host id changes on a collision at most once per this period. */
  jetdriveHostIdChangeMinIntervalMs: int(0, 3_600_000).default(30_000),
  /** Pongs per second to one host id, and to all together; Pings with more echo data are not answered. */
  jetdrivePongRatePerHost: num(0.01, 10_000).default(2),
  jetdrivePongRateTotal: num(0.01, 100_000).default(50),
  jetdrivePongMaxEchoBytes: int(0, 65_535).default(64),
  channelHistoryMs: int(100, 3_600_000).default(10_000),
  channelHistoryMax: int(10, 1_000_000).default(2000),
  /** JetDrive hosts tracked at once (the node's provider table and the registry's). */
  maxProviders: int(1, 65_534).default(64),
  /** Channels of all providers together; beyond it new channels are dropped and counted. */
  maxChannels: int(1, 1_000_000).default(4096),
  maxChannelsPerProvider: int(1, 65_536).default(256),
  realtimeFlushMs: int(0, 10_000).default(0),
  realtimeBacklogLimitBytes: int(1024, 1024 * 1024 * 1024).default(512 * 1024),
  realtimeMaxBacklogBytes: int(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
  realtimeStuckAfterMs: int(100, 3_600_000).default(30_000),
  /** null: use the token stored in the data directory, generating it at first start. */
  operatorToken: token.nullable().default(null),
  /** null: reading is open to everyone on the network. */
  viewerToken: token.nullable().default(null),
  /** Control requests (HTTP and Socket.IO) per minute and client address, after a burst of controlBurst. */
  controlRatePerMin: num(1, 1_000_000).default(120),
  controlBurst: int(1, 100_000).default(30),
  /** Socket.IO viewers connected at once. */
  maxViewers: int(1, 100_000).default(500),
  /** Of maxViewers, kept for operator-token holders; null: 10, or a tenth of maxViewers when that is fewer. */
  operatorReservedConnections: int(0, 100_000).nullable().default(null),
  /** Non-operator Socket.IO connections from one client address (IPv6: one /64). */
  maxConnectionsPerAddress: int(1, 100_000).default(50),
  /** Engine.IO sessions that have not joined yet: in total, and per client address. */
  maxPendingHandshakes: int(1, 100_000).default(256),
  maxPendingHandshakesPerAddress: int(1, 100_000).default(32),
  /** A connection that has not joined the namespace by then is closed. */
  connectTimeoutMs: int(100, 120_000).default(5000),
  /** Events outside the contract one socket may send per minute before it is disconnected. */
  unknownEventsPerMin: int(1, 100_000).default(20),
  /** Distinct realtime streams (selection + rate): in total, per socket and per client address. */
  realtimeMaxStreams: int(1, 1_000_000).default(2000),
  realtimeMaxStreamsPerSocket: int(1, 10_000).default(16),
  realtimeMaxStreamsPerAddress: int(1, 1_000_000).default(64),
  /** Runs (issue 16): record pulls as they are detected; manual start/stop works either way. */
  runAutoRecord: z.boolean().default(true),
  /** A pull starts when rpm rises through runStartRpm (by runMinRiseRpmPerS) with the throttle at runStartTps %. */
  runStartRpm: num(100, 30_000).default(1500),
  runMinRiseRpmPerS: num(1, 100_000).default(150),
  runStartTps: num(1, 100).default(10),
  /** It ends below runEndTps %, on rpm falling faster than runDecelRpmPerS, or after runMaxDurationS. */
  runEndTps: num(0, 100).default(5),
  runDecelRpmPerS: num(1, 100_000).default(300),
  runMaxDurationS: num(1, 3600).default(60),
  /** The black box: the last runBlackBoxS seconds of raw datagrams, at most runBlackBoxBytes. */
  runBlackBoxS: num(1, 600).default(10),
  runBlackBoxBytes: int(64 * 1024, 1024 * 1024 * 1024).default(8 * 1024 * 1024),
  runPreRollS: num(0, 600).default(3),
  runPostRollS: num(0, 600).default(3),
  /** Run library retention: total bytes and count of run files (oldest unpinned removed first). */
  runsMaxTotalBytes: int(1024 * 1024, Number.MAX_SAFE_INTEGER).default(2 * 1024 * 1024 * 1024),
  runsMaxCount: int(1, 100_000).default(500),
  runCompression: z.enum(['zstd', 'lz4', 'none']).default('zstd'),
  /** Largest .mcap accepted by POST /api/runs. */
  runUploadMaxBytes: int(1024, 16 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  /** Play this run file (looping) instead of the simulator or the network: no UDP socket is opened. */
  replayFile: z
    .string()
    .min(1)
    .regex(/\.mcap$/i, 'must be the path of an .mcap run file')
    .nullable()
    .default(null),
  /** Replays at once (each one a provider namespace). */
  replayMaxConcurrent: int(1, 255).default(4),
  /** Largest run file a replay loads into memory. */
  replayMaxFileBytes: int(1024, 4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  logLevel: oneOf(LOG_LEVELS).default('info'),
  /** Cluster mode (server/cluster/): `ingest` publishes to Redis, `edge` serves viewers from it; needs redisUrl. */
  role: oneOf(['standalone', 'ingest', 'edge']).default('standalone'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL like redis://:password@127.0.0.1:6379/0')
    .nullable()
    .default(null),
  /** Entries the data stream keeps (XADD MAXLEN ~): what an edge can catch up on after a Redis or edge outage. */
  clusterStreamMaxLen: int(1000, 10_000_000).default(200_000),
  /** Entries an edge takes per XREAD. */
  clusterReadCount: int(1, 100_000).default(1000),
});

export type HubConfig = z.infer<typeof configSchema>;

/** env name → config field, with the parser applied to the raw string. */
const ENV: Record<string, [keyof HubConfig, (raw: string) => unknown]> = {
  HOST: ['host', (s) => s],
  PORT: ['port', (s) => s],
  JETDRIVE_GROUP: ['groups', csv],
  JETDRIVE_PORT: ['jetdrivePort', (s) => s],
  JETDRIVE_IFACE: ['interfaces', csv],
  JETDRIVE_PASSIVE: ['passive', (s) => boolText.parse(s)],
  HUB_SIM: ['sim', (s) => boolText.parse(s)],
  SIM_PROFILE: ['simProfile', (s) => s],
  SIM_RATE_HZ: ['simRateHz', (s) => s],
  SIM_AUTO_PULL: ['simAutoPull', (s) => boolText.parse(s)],
  SIM_AUTO_PULL_INTERVAL_S: ['simAutoPullIntervalS', (s) => s],
  PROVIDER_TIMEOUT_MS: ['providerTimeoutMs', (s) => s],
  CLOCK_SYNC_INTERVAL_MS: ['clockSyncIntervalMs', (s) => s],
  JETDRIVE_NO_PROVIDER_WARN_MS: ['noProviderWarnMs', (s) => s],
  DATA_DIR: ['dataDir', (s) => s],
  UNIT_SYSTEM: ['unitSystem', (s) => s],
  CORS_ORIGINS: ['corsOrigins', csv],
  HTTP_BODY_LIMIT: ['httpBodyLimit', (s) => s],
  SESSION_MAX_AGE_MIN: ['sessionMaxAgeMin', (s) => s],
  SESSION_MAX_COUNT: ['sessionMaxCount', (s) => s],
  SESSION_SWEEP_INTERVAL_S: ['sessionSweepIntervalS', (s) => s],
  SESSION_MAX_RUNNING: ['sessionMaxRunning', (s) => s],
  ANALYSIS_MAX: ['analysisMax', (s) => s],
  ANALYSIS_PUSH_INTERVAL_MS: ['analysisPushIntervalMs', (s) => s],
  JETDRIVE_RCVBUF: ['jetdriveRecvBufferBytes', (s) => s],
  JETDRIVE_SOURCE_POLICY: ['jetdriveSourcePolicy', (s) => s],
  JETDRIVE_STALE_WINDOW_MS: ['jetdriveStaleWindowMs', (s) => s],
  JETDRIVE_STALE_RESET_MS: ['jetdriveStaleResetMs', (s) => s],
  JETDRIVE_MAX_EVICTIONS_PER_S: ['jetdriveMaxEvictionsPerS', (s) => s],
  JETDRIVE_HOST_ID_CHANGE_MIN_MS: ['jetdriveHostIdChangeMinIntervalMs', (s) => s],
  JETDRIVE_PONG_RATE_PER_HOST: ['jetdrivePongRatePerHost', (s) => s],
  JETDRIVE_PONG_RATE_TOTAL: ['jetdrivePongRateTotal', (s) => s],
  JETDRIVE_PONG_MAX_ECHO_BYTES: ['jetdrivePongMaxEchoBytes', (s) => s],
  CHANNEL_HISTORY_MS: ['channelHistoryMs', (s) => s],
  CHANNEL_HISTORY_MAX: ['channelHistoryMax', (s) => s],
  JETDRIVE_MAX_PROVIDERS: ['maxProviders', (s) => s],
  JETDRIVE_MAX_CHANNELS: ['maxChannels', (s) => s],
  JETDRIVE_MAX_CHANNELS_PER_PROVIDER: ['maxChannelsPerProvider', (s) => s],
  REALTIME_FLUSH_MS: ['realtimeFlushMs', (s) => s],
  REALTIME_BACKLOG_LIMIT_BYTES: ['realtimeBacklogLimitBytes', (s) => s],
  REALTIME_MAX_BACKLOG_BYTES: ['realtimeMaxBacklogBytes', (s) => s],
  REALTIME_STUCK_AFTER_MS: ['realtimeStuckAfterMs', (s) => s],
  LOG_LEVEL: ['logLevel', (s) => s],
  RUN_AUTO_RECORD: ['runAutoRecord', (s) => boolText.parse(s)],
  RUN_START_RPM: ['runStartRpm', (s) => s],
  RUN_MIN_RISE_RPM_PER_S: ['runMinRiseRpmPerS', (s) => s],
  RUN_START_TPS: ['runStartTps', (s) => s],
  RUN_END_TPS: ['runEndTps', (s) => s],
  RUN_DECEL_RPM_PER_S: ['runDecelRpmPerS', (s) => s],
  RUN_MAX_DURATION_S: ['runMaxDurationS', (s) => s],
  RUN_BLACKBOX_S: ['runBlackBoxS', (s) => s],
  RUN_BLACKBOX_BYTES: ['runBlackBoxBytes', (s) => s],
  RUN_PRE_ROLL_S: ['runPreRollS', (s) => s],
  RUN_POST_ROLL_S: ['runPostRollS', (s) => s],
  RUNS_MAX_TOTAL_BYTES: ['runsMaxTotalBytes', (s) => s],
  RUNS_MAX_COUNT: ['runsMaxCount', (s) => s],
  RUN_COMPRESSION: ['runCompression', (s) => s.trim().toLowerCase()],
  RUN_UPLOAD_MAX_BYTES: ['runUploadMaxBytes', (s) => s],
  HUB_ROLE: ['role', (s) => s.trim().toLowerCase()],
  REDIS_URL: ['redisUrl', (s) => s.trim()],
  CLUSTER_STREAM_MAXLEN: ['clusterStreamMaxLen', (s) => s],
  CLUSTER_READ_COUNT: ['clusterReadCount', (s) => s],
  REPLAY_FILE: ['replayFile', (s) => s],
  REPLAY_MAX_CONCURRENT: ['replayMaxConcurrent', (s) => s],
  REPLAY_MAX_FILE_BYTES: ['replayMaxFileBytes', (s) => s],
  // Tokens are env-only: a command-line flag would show in `ps` to every user of the machine.
  HUB_OPERATOR_TOKEN: ['operatorToken', (s) => s.trim()],
  HUB_VIEWER_TOKEN: ['viewerToken', (s) => s.trim()],
  HUB_CONTROL_RATE_PER_MIN: ['controlRatePerMin', (s) => s],
  HUB_CONTROL_BURST: ['controlBurst', (s) => s],
  HUB_MAX_VIEWERS: ['maxViewers', (s) => s],
  HUB_OPERATOR_RESERVED_CONNECTIONS: ['operatorReservedConnections', (s) => s],
  HUB_MAX_CONNECTIONS_PER_ADDRESS: ['maxConnectionsPerAddress', (s) => s],
  HUB_MAX_PENDING_HANDSHAKES: ['maxPendingHandshakes', (s) => s],
  HUB_MAX_PENDING_HANDSHAKES_PER_ADDRESS: ['maxPendingHandshakesPerAddress', (s) => s],
  HUB_CONNECT_TIMEOUT_MS: ['connectTimeoutMs', (s) => s],
  HUB_UNKNOWN_EVENTS_PER_MIN: ['unknownEventsPerMin', (s) => s],
  REALTIME_MAX_STREAMS: ['realtimeMaxStreams', (s) => s],
  REALTIME_MAX_STREAMS_PER_SOCKET: ['realtimeMaxStreamsPerSocket', (s) => s],
  REALTIME_MAX_STREAMS_PER_ADDRESS: ['realtimeMaxStreamsPerAddress', (s) => s],
};

/** The operator's reserved connections: as configured, else 10 (or a tenth of maxViewers when that is fewer). */
export function operatorReservedConnections(config: Pick<HubConfig, 'maxViewers' | 'operatorReservedConnections'>) {
  return config.operatorReservedConnections ?? Math.min(10, Math.floor(config.maxViewers / 10));
}

export type ConfigErrorCode = 'INVALID_CONFIG';

/** Never an HTTP answer (the hub does not start), but the same coded shape as every other error. */
export const CONFIG_ERROR_STATUS: StatusTable<ConfigErrorCode> = Object.freeze({ INVALID_CONFIG: 500 });

export class ConfigError extends CodedError<ConfigErrorCode> {
  constructor(message: string, field?: string) {
    super('INVALID_CONFIG', CONFIG_ERROR_STATUS.INVALID_CONFIG, message, field === undefined ? {} : { field });
  }
}

/** Where a field's value came from, to name it in errors: `JETDRIVE_PORT="70000"` or `--port 70000`. */
type Sources = Map<string, string>;

function describeProblem(error: unknown): string {
  if (error instanceof z.ZodError)
    return zodIssues(error)
      .map((issue) => issue.message)
      .join('; ');
  return error instanceof Error ? error.message : String(error);
}

/** "groups.0: must be an IPv4 address like 224.0.2.10 (JETDRIVE_GROUP=\"224.0.2\")" for every issue. */
function configIssuesError(error: z.ZodError, sources: Sources): ConfigError {
  const issues = zodIssues(error, { root: '(config)' });
  const text = issues.map((issue) => {
    const source = sources.get(issue.field.split('.')[0]);
    return `${issue.field}: ${issue.message}${source ? ` (${source})` : ''}`;
  });
  return new ConfigError(`invalid configuration: ${text.join('; ')}`, issues[0]?.field);
}

function buildCommand(): Command {
  return new Command('jetdrive-hub')
    .description('JetDrive gateway: UDP multicast ingest, Socket.IO fan-out, HTTP API, virtual tuning')
    .exitOverride()
    .allowExcessArguments(false)
    .addOption(new Option('--host <addr>', 'HTTP/Socket.IO bind address (HOST)'))
    .addOption(new Option('--port <n>', 'HTTP/Socket.IO port (PORT)'))
    .addOption(new Option('--group <list>', 'JetDrive multicast group(s), comma-separated (JETDRIVE_GROUP)'))
    .addOption(new Option('--jetdrive-port <n>', 'JetDrive UDP port (JETDRIVE_PORT)'))
    .addOption(
      new Option('--iface <list>', 'interface address(es) or name(s) to join on, comma-separated (JETDRIVE_IFACE)'),
    )
    .addOption(new Option('--passive', 'listen only, never transmit (JETDRIVE_PASSIVE)'))
    .addOption(
      new Option('--no-sim', 'do not start the embedded simulated dyno: listen to the real network (HUB_SIM=false)'),
    )
    .addOption(new Option('--sim-profile <id>', 'simulator engine profile (SIM_PROFILE)'))
    .addOption(new Option('--sim-rate <hz>', 'simulator ChannelValues rate per channel (SIM_RATE_HZ)'))
    .addOption(new Option('--no-auto-pull', 'simulator: pulls only on demand (SIM_AUTO_PULL=false)'))
    .addOption(new Option('--data-dir <dir>', 'where mappings and tokens are stored (DATA_DIR)'))
    .addOption(new Option('--units <system>', 'imperial or metric (UNIT_SYSTEM)'))
    .addOption(new Option('--max-viewers <n>', 'Socket.IO viewers connected at once (HUB_MAX_VIEWERS)'))
    .addOption(new Option('--no-auto-record', 'runs: record only on a manual start (RUN_AUTO_RECORD=false)'))
    .addOption(new Option('--run-start-rpm <rpm>', 'runs: a pull starts when rpm rises through this (RUN_START_RPM)'))
    .addOption(new Option('--run-start-tps <pct>', 'runs: … with the throttle at least this open (RUN_START_TPS)'))
    .addOption(new Option('--run-pre-roll <s>', 'runs: seconds kept before a detected start (RUN_PRE_ROLL_S)'))
    .addOption(new Option('--run-post-roll <s>', 'runs: seconds recorded after a detected end (RUN_POST_ROLL_S)'))
    .addOption(
      new Option('--replay <file>', 'play this .mcap run file, looping, instead of the simulator (REPLAY_FILE)'),
    )
    .addOption(new Option('--log-level <level>', 'trace … silent (LOG_LEVEL)'))
    .addOption(new Option('--role <role>', 'standalone, ingest or edge (HUB_ROLE)'))
    .addOption(
      new Option('--redis-url <url>', 'Redis for cluster mode; put credentials in REDIS_URL instead (REDIS_URL)'),
    );
}

const FLAG: Record<string, [keyof HubConfig, (raw: string | boolean) => unknown]> = {
  host: ['host', (v) => v],
  port: ['port', (v) => v],
  group: ['groups', (v) => csv(String(v))],
  jetdrivePort: ['jetdrivePort', (v) => v],
  iface: ['interfaces', (v) => csv(String(v))],
  passive: ['passive', (v) => v === true],
  simProfile: ['simProfile', (v) => v],
  simRate: ['simRateHz', (v) => v],
  dataDir: ['dataDir', (v) => v],
  units: ['unitSystem', (v) => v],
  maxViewers: ['maxViewers', (v) => v],
  logLevel: ['logLevel', (v) => v],
  runStartRpm: ['runStartRpm', (v) => v],
  runStartTps: ['runStartTps', (v) => v],
  runPreRoll: ['runPreRollS', (v) => v],
  runPostRoll: ['runPostRollS', (v) => v],
  replay: ['replayFile', (v) => v],
  role: ['role', (v) => v],
  redisUrl: ['redisUrl', (v) => v],
};

/** Where a setting can come from: its config field, environment variable and (when it has one) flag. */
export interface ConfigName {
  field: keyof HubConfig;
  env: string;
  flag: string | null;
}

const flagText = (flag: string) => `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Every environment variable with its field and flag (the flag/env parity test walks this list). */
export function configNames(): ConfigName[] {
  return Object.entries(ENV).map(([env, [field]]) => {
    const flag = Object.entries(FLAG).find(([, [f]]) => f === field)?.[0];
    return { field, env, flag: flag === undefined ? null : flagText(flag) };
  });
}

/**
 * A value as errors show it: a Redis URL may carry a password, which is masked; a token is never shown (a refused
 * one may still be a real secret, one character short or with a stray space), only its length.
 */
function shownValue(field: keyof HubConfig, value: string | boolean): string | boolean {
  if (typeof value !== 'string') return value;
  if (field === 'operatorToken' || field === 'viewerToken') return `<hidden, ${value.trim().length} characters>`;
  return field === 'redisUrl' ? value.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') : value;
}

function readEnv(env: Readonly<Record<string, string | undefined>>, raw: Record<string, unknown>, sources: Sources) {
  for (const [name, [field, parse]] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || (value === '' && name !== 'CORS_ORIGINS')) continue;
    try {
      raw[field] = parse(value);
    } catch (error) {
      throw new ConfigError(`${name}=${JSON.stringify(shownValue(field, value))}: ${describeProblem(error)}`, field);
    }
    sources.set(field, `${name}=${JSON.stringify(shownValue(field, value))}`);
  }
}

function readFlags(argv: readonly string[], raw: Record<string, unknown>, sources: Sources) {
  const cmd = buildCommand();
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const opts = cmd.opts<Record<string, string | boolean | undefined>>();
  for (const [flag, [field, parse]] of Object.entries(FLAG)) {
    const value = opts[flag];
    if (value === undefined) continue;
    raw[field] = parse(value);
    sources.set(field, `${flagText(flag)} ${JSON.stringify(shownValue(field, value))}`);
  }
  // commander's --no-x flags default to true; only an explicit --no-x counts.
  if (argv.includes('--no-sim')) raw.sim = false;
  if (argv.includes('--no-auto-pull')) raw.simAutoPull = false;
  if (argv.includes('--no-auto-record')) raw.runAutoRecord = false;
}

/** Interface names (`eth0`) become their IPv4 address; anything not of this machine is refused, saying so. */
function resolveInterfaces(config: HubConfig, table: InterfaceTable, sources: Sources): HubConfig {
  if (config.interfaces === null) return config;
  const addresses = config.interfaces.map((setting, i) => {
    const resolved = resolveInterface(setting, table);
    if (resolved.ok) return resolved.address;
    const source = sources.get('interfaces');
    throw new ConfigError(
      `invalid configuration: interfaces.${i}: ${resolved.reason}${source ? ` (${source})` : ''}; ` +
        `this machine has ${listIpv4Interfaces(table)}`,
      `interfaces.${i}`,
    );
  });
  return { ...config, interfaces: [...new Set(addresses)] };
}

/** What loadConfig reads of the machine (tests pass their own interface table). */
export interface ConfigHost {
  networkInterfaces(): InterfaceTable;
}

/** Parses argv (without node and script) and env into a validated config; throws ConfigError naming the field. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  host: ConfigHost = { networkInterfaces },
): HubConfig {
  const raw: Record<string, unknown> = {};
  const sources: Sources = new Map();
  readEnv(env, raw, sources);
  readFlags(argv, raw, sources);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw configIssuesError(parsed.error, sources);
  }
  const reserved = parsed.data.operatorReservedConnections;
  if (reserved !== null && reserved >= parsed.data.maxViewers) {
    throw new ConfigError(
      `invalid configuration: operatorReservedConnections (HUB_OPERATOR_RESERVED_CONNECTIONS=${reserved}) must be below maxViewers (${parsed.data.maxViewers}); lower it or raise HUB_MAX_VIEWERS`,
      'operatorReservedConnections',
    );
  }
  checkRunConfig(parsed.data);
  checkCluster(parsed.data);
  return resolveInterfaces(parsed.data, host.networkInterfaces(), sources);
}

/** The pre-roll comes out of the black box, and a pull must be able to end before it starts again. */
function checkRunConfig(c: HubConfig): void {
  if (c.runPreRollS > c.runBlackBoxS) {
    throw new ConfigError(
      `invalid configuration: runPreRollS (RUN_PRE_ROLL_S=${c.runPreRollS}) must not exceed runBlackBoxS (${c.runBlackBoxS}), the seconds the black box keeps; lower it or raise RUN_BLACKBOX_S`,
      'runPreRollS',
    );
  }
  if (c.runEndTps >= c.runStartTps) {
    throw new ConfigError(
      `invalid configuration: runEndTps (RUN_END_TPS=${c.runEndTps}) must be below runStartTps (${c.runStartTps}); lower it or raise RUN_START_TPS`,
      'runEndTps',
    );
  }
}

/** An ingest or edge node needs Redis; a standalone hub ignores it. */
function checkCluster(config: HubConfig): void {
  if (config.role !== 'standalone' && config.redisUrl === null) {
    throw new ConfigError(
      `invalid configuration: role: ${config.role} needs Redis; set REDIS_URL (e.g. redis://127.0.0.1:6379) or --redis-url, or HUB_ROLE=standalone`,
      'redisUrl',
    );
  }
}

export function helpText(): string {
  return (
    buildCommand().helpInformation() +
    '\nTokens come from the environment only (a flag would show in `ps`): HUB_OPERATOR_TOKEN (else generated at\n' +
    'first start and stored in <data-dir>/operator-token), HUB_VIEWER_TOKEN (set it to make reading need a token).\n'
  );
}
