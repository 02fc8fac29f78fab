export { createMulticastSender, type MulticastSender } from './create-multicast-sender.js';
export { defaultInterfaces } from './default-interfaces.js';
export {
  DEFAULT_MULTICAST_OPTIONS,
  DEFAULT_RECV_BUFFER_SIZE,
  JETDRIVE_GROUP,
  JETDRIVE_PORT,
} from './default-multicast-options.js';
export { describeSocketError } from './describe-socket-error.js';
export {
  type InterfaceResolution,
  type InterfaceTable,
  listIpv4Interfaces,
  resolveInterface,
} from './resolve-interface.js';
export type { Datagram, DatagramSource, JoinResult, MulticastOptions } from './types.js';
export { type OpenSocketInfo, udpDatagrams$ } from './udp-datagrams.js';
