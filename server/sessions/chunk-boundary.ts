import type { SessionEventBody } from '@jetdrive-hub/client/contract';

/** A chunk boundary: the driver may yield to the event loop or stop here. */
export const CHUNK_BOUNDARY = Object.freeze({ type: 'chunk' as const });
export type TuneStep = SessionEventBody | typeof CHUNK_BOUNDARY;
