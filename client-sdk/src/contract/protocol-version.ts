/** Bumped on any incompatible change of the event maps or the data frame layout; the hub says it in `hello`. */
export const PROTOCOL_VERSION = 1 as const;

export type ProtocolVersion = typeof PROTOCOL_VERSION;
