// The compact data frame of `stream:data` and `stream:backfill`: `[streamId, baseTime, basePts, ...records]`.
// A record is `index, time - baseTime, value, providerTs - basePts` (RECORD_STRIDE), and on an envelope stream
// also `min, max` (ENVELOPE_RECORD_STRIDE). The server builds frames with these helpers, the SDK reads them back.

export type DataFrame = number[];

/** streamId, baseTime, basePts. */
export const FRAME_HEADER_LENGTH = 3;
export const RECORD_STRIDE = 4;
export const ENVELOPE_RECORD_STRIDE = 6;

export function recordStride(envelope: boolean): number {
  return envelope ? ENVELOPE_RECORD_STRIDE : RECORD_STRIDE;
}

export function startFrame(streamId: number, baseTime: number, basePts: number): DataFrame {
  return [streamId, baseTime, basePts];
}

/** Appends one record; times and provider timestamps are already relative to the frame's bases. */
export function pushRecord(frame: DataFrame, index: number, dt: number, value: number, dPts: number): void {
  frame.push(index, dt, value, dPts);
}

/** Appends the period's min and max to the record just pushed (envelope streams only). */
export function pushEnvelope(frame: DataFrame, min: number, max: number): void {
  frame.push(min, max);
}

/** Number of whole records in a frame. */
export function frameRecordCount(frame: DataFrame, envelope: boolean): number {
  return Math.max(0, Math.floor((frame.length - FRAME_HEADER_LENGTH) / recordStride(envelope)));
}
