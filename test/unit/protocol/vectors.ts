// Valid JetDrive datagrams written out byte by byte, each with the message it decodes to. Shared by the decode,
// encode, prefix and fuzz tests. Every vector is canonical: encodeFrame(message) must give exactly these bytes.
import type { JetDriveMessage } from '../../../server/protocol/index.js';

export interface Vector {
  name: string;
  bytes: number[];
  message: JetDriveMessage;
}

/** ASCII/UTF-8 text as bytes, NUL-padded to `size` (a fixed-size name field). */
export function field(text: string, size: number): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  if (bytes.length > size) throw new Error(`field ${JSON.stringify(text)} is ${bytes.length} bytes, over ${size}`);
  return [...bytes, ...new Array<number>(size - bytes.length).fill(0)];
}

// biome-ignore format: one wire field per line, with its comment
export const VECTORS: Vector[] = [
  {
    name: 'ChannelInfo with two channels',
    bytes: [
      0x01, // key: ChannelInfo
      0x76, 0x00, // length: 118 = 50 + 2 * 34
      0x34, 0x12, // host: 0x1234
      0x07, // seq: 7
      0xff, 0xff, // destination: ALL_HOSTS
      ...field('Power Core', 50), // provider name, NUL-padded to 50
      0x01, 0x00, // channel 1 id: 1
      0x00, // channel 1 vendor: 0
      ...field('Digital RPM 1', 30), // channel 1 name, NUL-padded to 30
      0x08, // channel 1 unit: 8 = RPM
      0x02, 0x01, // channel 2 id: 0x0102
      0x03, // channel 2 vendor: 3
      ...field('Température 1', 30), // channel 2 name: é is 0xC3 0xA9 in UTF-8
      0x06, // channel 2 unit: 6 = °C
    ],
    message: {
      type: 'ChannelInfo',
      key: 0x01,
      host: 0x1234,
      seq: 7,
      destination: 0xffff,
      providerName: 'Power Core',
      channels: [
        { channelId: 1, vendor: 0, name: 'Digital RPM 1', unit: 8 },
        { channelId: 0x0102, vendor: 3, name: 'Température 1', unit: 6 },
      ],
    },
  },
  {
    name: 'ChannelValues with four samples',
    bytes: [
      0x02, // key: ChannelValues
      0x28, 0x00, // length: 40 = 4 * 10
      0x34, 0x12, // host: 0x1234
      0xff, // seq: 255
      0xff, 0xff, // destination: ALL_HOSTS
      0x01, 0x00, // sample 1 channel id: 1
      0xe8, 0x03, 0x00, 0x00, // sample 1 ts: 1000
      0x00, 0x80, 0x3b, 0x45, // sample 1 value: 3000 (float32 0x453B8000)
      0x02, 0x01, // sample 2 channel id: 0x0102
      0xff, 0xff, 0xff, 0xff, // sample 2 ts: 0xFFFFFFFF (u32 max)
      0x00, 0x00, 0x21, 0xc2, // sample 2 value: -40.25 (0xC2210000)
      0x03, 0x00, // sample 3 channel id: 3
      0x00, 0x00, 0x00, 0x00, // sample 3 ts: 0
      0x00, 0x00, 0xc0, 0x7f, // sample 3 value: NaN (canonical quiet NaN 0x7FC00000)
      0xff, 0xff, // sample 4 channel id: 0xFFFF
      0x01, 0x00, 0x00, 0x00, // sample 4 ts: 1
      0x00, 0x00, 0x80, 0x7f, // sample 4 value: +Infinity (0x7F800000)
    ],
    message: {
      type: 'ChannelValues',
      key: 0x02,
      host: 0x1234,
      seq: 255,
      destination: 0xffff,
      samples: [
        { channelId: 1, ts: 1000, value: 3000 },
        { channelId: 0x0102, ts: 0xffffffff, value: -40.25 },
        { channelId: 3, ts: 0, value: Number.NaN },
        { channelId: 0xffff, ts: 1, value: Number.POSITIVE_INFINITY },
      ],
    },
  },
  {
    name: 'ClearChannelInfo',
    bytes: [
      0x03, // key: ClearChannelInfo
      0x00, 0x00, // length: 0
      0x01, 0x00, // host: 1
      0x00, // seq: 0
      0xff, 0xff, // destination: ALL_HOSTS
    ],
    message: { type: 'ClearChannelInfo', key: 0x03, host: 1, seq: 0, destination: 0xffff },
  },
  {
    name: 'Ping with echo data',
    bytes: [
      0x04, // key: Ping
      0x07, 0x00, // length: 7 = 1 + 4 + 2 echo
      0x00, 0x00, // host: 0 (claiming an id)
      0x2a, // seq: 42
      0xff, 0xff, // destination: ALL_HOSTS
      0x01, // version: 1
      0x04, 0x03, 0x02, 0x01, // host_ts: 0x01020304
      0xaa, 0xbb, // echo data
    ],
    message: {
      type: 'Ping',
      key: 0x04,
      host: 0,
      seq: 42,
      destination: 0xffff,
      version: 1,
      hostTs: 0x01020304,
      echo: new Uint8Array([0xaa, 0xbb]),
    },
  },
  {
    name: 'Pong with echo data',
    bytes: [
      0x05, // key: Pong
      0x0b, 0x00, // length: 11 = 1 + 4 + 4 + 2 echo
      0x78, 0x56, // host: 0x5678 (responder)
      0x00, // seq: 0
      0x34, 0x12, // destination: 0x1234 (the pinging host, never ALL_HOSTS)
      0x01, // version: 1
      0x04, 0x03, 0x02, 0x01, // host_ts: 0x01020304, copied from the Ping
      0x10, 0x27, 0x00, 0x00, // remote_ts: 10000
      0xaa, 0xbb, // echo data, copied
    ],
    message: {
      type: 'Pong',
      key: 0x05,
      host: 0x5678,
      seq: 0,
      destination: 0x1234,
      version: 1,
      hostTs: 0x01020304,
      remoteTs: 10000,
      echo: new Uint8Array([0xaa, 0xbb]),
    },
  },
  {
    name: 'RequestChannelInfo to one host',
    bytes: [
      0x06, // key: RequestChannelInfo
      0x00, 0x00, // length: 0
      0x02, 0x00, // host: 2
      0x05, // seq: 5
      0x34, 0x12, // destination: 0x1234
    ],
    message: { type: 'RequestChannelInfo', key: 0x06, host: 2, seq: 5, destination: 0x1234 },
  },
  {
    name: 'RequestLogging begin',
    bytes: [
      0x10, // key: RequestLogging
      0x01, 0x00, // length: 1
      0x02, 0x00, // host: 2
      0x06, // seq: 6
      0x34, 0x12, // destination: 0x1234
      0x01, // command: 1 = begin
    ],
    message: { type: 'RequestLogging', key: 0x10, host: 2, seq: 6, destination: 0x1234, command: 1 },
  },
  {
    name: 'LoggingResponse with timestamp',
    bytes: [
      0x20, // key: LoggingResponse
      0x07, 0x00, // length: 7
      0x34, 0x12, // host: 0x1234
      0x09, // seq: 9
      0x02, 0x00, // destination: 2
      0x01, // state: 1 = started
      0x00, 0x00, // reserved (value offsets 1-2)
      0x4e, 0x61, 0xbc, 0x00, // timestamp at value offset 3: 12345678
    ],
    message: { type: 'LoggingResponse', key: 0x20, host: 0x1234, seq: 9, destination: 2, state: 1, timestamp: 12345678 },
  },
  {
    name: 'LoggingResponse state only',
    bytes: [
      0x20, // key: LoggingResponse
      0x01, 0x00, // length: 1
      0x34, 0x12, // host: 0x1234
      0x0a, // seq: 10
      0x02, 0x00, // destination: 2
      0x00, // state: 0 = stopped (no timestamp)
    ],
    message: { type: 'LoggingResponse', key: 0x20, host: 0x1234, seq: 10, destination: 2, state: 0, timestamp: null },
  },
  {
    name: 'RequestLoadControl RPM 3000',
    bytes: [
      0x11, // key: RequestLoadControl
      0x06, 0x00, // length: 6
      0x02, 0x00, // host: 2
      0x0b, // seq: 11
      0x34, 0x12, // destination: 0x1234
      0x01, // enable: 1 = on
      0x00, // type: 0 = RPM
      0x00, 0x80, 0x3b, 0x45, // target: 3000 (float32)
    ],
    message: {
      type: 'RequestLoadControl',
      key: 0x11,
      host: 2,
      seq: 11,
      destination: 0x1234,
      enable: 1,
      controlType: 0,
      target: 3000,
    },
  },
  {
    name: 'LoadControlResponse not equipped',
    bytes: [
      0x21, // key: LoadControlResponse
      0x06, 0x00, // length: 6
      0x34, 0x12, // host: 0x1234
      0x0c, // seq: 12
      0x02, 0x00, // destination: 2
      0x02, // enable: 2 = not equipped
      0x04, // type: 4 = Torque
      0x00, 0x00, 0xc0, 0x3f, // target: 1.5 (0x3FC00000)
    ],
    message: {
      type: 'LoadControlResponse',
      key: 0x21,
      host: 0x1234,
      seq: 12,
      destination: 2,
      enable: 2,
      controlType: 4,
      target: 1.5,
    },
  },
  {
    name: 'RequestBrake query',
    bytes: [
      0x12, // key: RequestBrake
      0x01, 0x00, // length: 1
      0x02, 0x00, // host: 2
      0x0d, // seq: 13
      0xff, 0xff, // destination: ALL_HOSTS
      0x02, // command: 2 = query
    ],
    message: { type: 'RequestBrake', key: 0x12, host: 2, seq: 13, destination: 0xffff, command: 2 },
  },
  {
    name: 'BrakeResponse on',
    bytes: [
      0x22, // key: BrakeResponse
      0x01, 0x00, // length: 1
      0x34, 0x12, // host: 0x1234
      0x0e, // seq: 14
      0x02, 0x00, // destination: 2
      0x01, // state: 1 = on
    ],
    message: { type: 'BrakeResponse', key: 0x22, host: 0x1234, seq: 14, destination: 2, state: 1 },
  },
  {
    name: 'Unknown key 0x7E',
    bytes: [
      0x7e, // key: 0x7E, not in the spec
      0x03, 0x00, // length: 3
      0x09, 0x00, // host: 9
      0x0f, // seq: 15
      0xff, 0xff, // destination: ALL_HOSTS
      0x01, 0x02, 0x03, // value, kept raw
    ],
    message: { type: 'Unknown', key: 0x7e, host: 9, seq: 15, destination: 0xffff, value: new Uint8Array([1, 2, 3]) },
  },
];

/** The message as decodeFrame returns it for a canonical datagram: nothing left over. */
export function decoded(message: JetDriveMessage): JetDriveMessage & Record<string, unknown> {
  return { ...message, trailingBytes: 0, partialRecordBytes: 0, extraValueBytes: 0 };
}
