export {
  createRealtimeGateway,
  type RealtimeGateway,
  type RealtimeGatewayConfig,
  type RealtimeGatewayStats,
  type RealtimeServer,
  type RealtimeSocket,
} from './create-realtime-gateway.js';
export { DEFAULT_REALTIME_OPTIONS, PROTOCOL_VERSION, type RealtimeOptions, type WireParser } from './options.js';
