export { connectHub, DEFAULT_HUB_URL, type HubSocket } from './connect-hub.js';
export { type ChannelDebug, createChannelDebug, DEBUG_BATCH_INTERVAL } from './create-channel-debug.js';
export type { SessionsApi } from './create-sessions-api.js';
export { decodeDataFrame, type StreamView } from './decode-data-frame.js';
export { checkHubUrl, describeConnectError } from './describe-connect-error.js';
export { type ConnectionFailure, type ConnectionFailureCode, HubError } from './hub-error.js';
export type * from './hub-types.js';
export { parseSelector } from './parse-selector.js';
export type * from '@jetdrive-hub/client/contract';
