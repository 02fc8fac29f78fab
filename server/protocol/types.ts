// JetDrive KLHDV message types (../shared/jetdrive-protocol.md). The union is discriminated on `type`,
// which names the key byte; `key` carries the byte itself.

export const KEY = {
  ChannelInfo: 0x01,
  ChannelValues: 0x02,
  ClearChannelInfo: 0x03,
  Ping: 0x04,
  Pong: 0x05,
  RequestChannelInfo: 0x06,
  RequestLogging: 0x10,
  LoggingResponse: 0x20,
  RequestLoadControl: 0x11,
  LoadControlResponse: 0x21,
  RequestBrake: 0x12,
  BrakeResponse: 0x22,
} as const;

export type KnownKeyName = keyof typeof KEY;

export const HEADER_SIZE = 8;
export const ALL_HOSTS = 0xffff;
export const PROVIDER_NAME_SIZE = 50;
export const CHANNEL_NAME_SIZE = 30;
export const CHANNEL_INFO_RECORD_SIZE = 34;
export const CHANNEL_VALUE_RECORD_SIZE = 10;
export const DEFAULT_MTU = 1400;
export const PING_VERSION = 1;
/**
 * Most echo bytes we ever put in a Ping. Dynojet's reference library throws on more than 5 and its receive loop
 * dies with the exception, so a longer echo deafens every node built on it (interop rule 1 in README.md).
 */
export const MAX_PING_ECHO_BYTES = 4;

/** JetDrive unit byte (ChannelInfo). 255 = no unit: look at the name. */
export type UnitByte = number;

export interface FrameHeader {
  /** Sender's host id (u16). */
  host: number;
  /** Sender's sequence number (u8). */
  seq: number;
  /** Receiver's host id, or ALL_HOSTS. */
  destination: number;
}

export interface ChannelInfoRecord {
  channelId: number;
  vendor: number;
  name: string;
  unit: UnitByte;
}

export interface ChannelSample {
  channelId: number;
  /** Provider clock, ms (u32). */
  ts: number;
  /** float32 value; NaN and Infinity are kept as numbers. */
  value: number;
}

export interface ChannelInfoMessage extends FrameHeader {
  type: 'ChannelInfo';
  key: 0x01;
  providerName: string;
  channels: ChannelInfoRecord[];
}
export interface ChannelValuesMessage extends FrameHeader {
  type: 'ChannelValues';
  key: 0x02;
  samples: ChannelSample[];
}
export interface ClearChannelInfoMessage extends FrameHeader {
  type: 'ClearChannelInfo';
  key: 0x03;
}
export interface PingMessage extends FrameHeader {
  type: 'Ping';
  key: 0x04;
  version: number;
  hostTs: number;
  echo: Uint8Array;
}
export interface PongMessage extends FrameHeader {
  type: 'Pong';
  key: 0x05;
  version: number;
  /** Copied from the Ping. */
  hostTs: number;
  /** Responder's clock, ms. */
  remoteTs: number;
  echo: Uint8Array;
}
export interface RequestChannelInfoMessage extends FrameHeader {
  type: 'RequestChannelInfo';
  key: 0x06;
}
/** 0 = end, 1 = begin, 2 = cancel (discard), 3 = get state. */
export type LoggingCommand = 0 | 1 | 2 | 3;
export interface RequestLoggingMessage extends FrameHeader {
  type: 'RequestLogging';
  key: 0x10;
  command: number;
}
export interface LoggingResponseMessage extends FrameHeader {
  type: 'LoggingResponse';
  key: 0x20;
  /** 0 stopped, 1 started. */
  state: number;
  /**
   * u32 timestamp of the last start/stop, or null when the value is 1 byte. Layout (7 bytes): state u8 at value
   * offset 0, two reserved bytes (written 0, ignored on decode), timestamp u32 LE at value offset 3 as the spec says.
   */
  timestamp: number | null;
}
export interface RequestLoadControlMessage extends FrameHeader {
  type: 'RequestLoadControl';
  key: 0x11;
  /** 0 off, 1 on, 2 query. */
  enable: number;
  /** 0 RPM, 1 Speed, 2 Accel, 3 Brake %, 4 Torque. */
  controlType: number;
  target: number;
}
export interface LoadControlResponseMessage extends FrameHeader {
  type: 'LoadControlResponse';
  key: 0x21;
  /** 0 off, 1 on, 2 not equipped. */
  enable: number;
  controlType: number;
  target: number;
}
export interface RequestBrakeMessage extends FrameHeader {
  type: 'RequestBrake';
  key: 0x12;
  /** 0 off, 1 on, 2 query. */
  command: number;
}
export interface BrakeResponseMessage extends FrameHeader {
  type: 'BrakeResponse';
  key: 0x22;
  /** 0 off, 1 on, 2 not equipped. */
  state: number;
}
/** A key this codec does not know: newer nodes may add keys, so it is not an error. */
export interface UnknownMessage extends FrameHeader {
  type: 'Unknown';
  key: number;
  value: Uint8Array;
}

export type JetDriveMessage =
  | ChannelInfoMessage
  | ChannelValuesMessage
  | ClearChannelInfoMessage
  | PingMessage
  | PongMessage
  | RequestChannelInfoMessage
  | RequestLoggingMessage
  | LoggingResponseMessage
  | RequestLoadControlMessage
  | LoadControlResponseMessage
  | RequestBrakeMessage
  | BrakeResponseMessage
  | UnknownMessage;

export type MessageType = JetDriveMessage['type'];

/** What decodeFrame returns: the message plus what it could not use, which the node counts. */
export type DecodedFrame = JetDriveMessage & {
  /** Bytes after `8 + length` in the datagram (ignored). */
  trailingBytes: number;
  /**
   * ChannelValues: bytes of a last record shorter than 10 bytes; ChannelInfo: bytes after the provider name of a
   * last record shorter than 34 bytes (ignored in both cases); 0 elsewhere.
   */
  partialRecordBytes: number;
  /**
   * Fixed-layout messages (ClearChannelInfo, RequestChannelInfo, the extended keys): value bytes beyond the layout,
   * ignored so that a newer node appending fields still decodes. 0 elsewhere.
   */
  extraValueBytes: number;
};

/** A message to encode: header plus body, without the decode-only counters. */
export type EncodableMessage = JetDriveMessage;

/**
 * decodeFrame errors. TOO_SHORT: a header field does not fit; LENGTH_MISMATCH: the datagram is shorter than
 * 8 + length; TRUNCATED_FIELD: a value field does not fit in `length`; BAD_CHANNEL_INFO_LENGTH: a ChannelInfo value
 * shorter than the 50-byte provider name. (Decoded bytes are always in range, so decode never reports ranges.)
 */
export type FrameErrorCode = 'TOO_SHORT' | 'LENGTH_MISMATCH' | 'TRUNCATED_FIELD' | 'BAD_CHANNEL_INFO_LENGTH';

/**
 * encodeFrame / builder errors. VALUE_OUT_OF_RANGE: a header or field number is not an integer in its u8/u16/u32
 * range (or a float field is not a number); VALUE_TOO_LONG: the value exceeds the u16 length field (or a builder's
 * MTU fits no record); KNOWN_KEY_AS_UNKNOWN: an Unknown message carries a key this codec decodes as something else.
 */
export type FrameEncodeErrorCode = 'VALUE_OUT_OF_RANGE' | 'VALUE_TOO_LONG' | 'KNOWN_KEY_AS_UNKNOWN';

export const UNIT_LABELS: Readonly<Record<number, string>> = {
  0: 's',
  1: 'm',
  2: 'km/h',
  3: 'N',
  4: 'kW',
  5: 'N·m',
  6: '°C',
  7: 'kPa',
  8: 'RPM',
  9: 'rpm/(km/h)',
  10: '(km/h)/s',
  11: 'AFR',
  12: 'kg/h',
  13: 'λ',
  14: 'V',
  15: 'A',
  16: '%',
  254: 'extended',
  255: '',
};

export const UNIT_NAMES: Readonly<Record<number, string>> = {
  0: 'Time',
  1: 'Distance',
  2: 'Speed',
  3: 'Force',
  4: 'Power',
  5: 'Torque',
  6: 'Temperature',
  7: 'Pressure',
  8: 'Engine speed',
  9: 'Gear ratio',
  10: 'Acceleration',
  11: 'AFR',
  12: 'Flow',
  13: 'Lambda',
  14: 'Volts',
  15: 'Amps',
  16: 'Percent',
  254: 'Extended',
  255: 'No unit',
};
