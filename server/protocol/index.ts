export type { ChannelInfoFramesOptions } from './build-channel-info-frames.js';
export { buildChannelInfoFrames, buildChannelInfoMessages } from './build-channel-info-frames.js';
export type { ChannelValuesFramesOptions } from './build-channel-values-frames.js';
export { buildChannelValuesFrames, buildChannelValuesMessages } from './build-channel-values-frames.js';
export { ChannelValuesBatch, MAX_CHANNEL_VALUE_RECORDS } from './channel-values-batch.js';
export { decodeChannelValuesInto } from './decode-channel-values-into.js';
export { decodeFrame } from './decode-frame.js';
export { encodeFrame } from './encode-frame.js';
export { FrameDecodeError } from './frame-decode-error.js';
export { FrameEncodeError } from './frame-encode-error.js';
export type { RawHeader } from './read-header.js';
export { checkHeader, peekKey, readHeader } from './read-header.js';
export { truncateUtf8 } from './truncate-utf8.js';
export type {
  ChannelInfoMessage,
  ChannelInfoRecord,
  ChannelSample,
  ClearChannelInfoMessage,
  DecodedFrame,
  FrameEncodeErrorCode,
  FrameErrorCode,
  JetDriveMessage,
  MessageType,
  PingMessage,
  PongMessage,
} from './types.js';
export {
  ALL_HOSTS,
  CHANNEL_VALUE_RECORD_SIZE,
  HEADER_SIZE,
  KEY,
  MAX_PING_ECHO_BYTES,
  PING_VERSION,
  UNIT_LABELS,
  UNIT_NAMES,
} from './types.js';
export { unitLabel, unitName } from './unit-label.js';
