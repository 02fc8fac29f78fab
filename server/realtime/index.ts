export {
  createRealtimeGateway,
  type RealtimeGateway,
  type RealtimeGatewayConfig,
  type RealtimeGatewayStats,
  type RealtimeServer,
  type RealtimeSocket,
} from './create-realtime-gateway.js';
export {
  type AckData,
  type CommandContext,
  CommandError,
  type CommandName,
  type CommandOptions,
  dataOf,
  onCommand,
} from './on-command.js';
export { DEFAULT_REALTIME_OPTIONS, type RealtimeOptions, type WireParser } from './options.js';
