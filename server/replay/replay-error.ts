import { CodedError, type CodedErrorOptions, type StatusTable } from '../errors/coded-error.js';

export type ReplayErrorCode =
  | 'RUN_NOT_FOUND'
  | 'RUN_FILE_INVALID'
  | 'RUN_FILE_TOO_LARGE'
  | 'REPLAY_NOT_FOUND'
  | 'TOO_MANY_REPLAYS'
  | 'REPLAY_NOT_ACTIVE'
  | 'REPLAY_OUT_OF_RANGE';

/** The replay module's codes and their HTTP statuses (socket acks carry the same codes). */
export const REPLAY_ERROR_STATUS: StatusTable<ReplayErrorCode> = Object.freeze({
  RUN_NOT_FOUND: 404,
  RUN_FILE_INVALID: 422,
  RUN_FILE_TOO_LARGE: 413,
  REPLAY_NOT_FOUND: 404,
  TOO_MANY_REPLAYS: 429,
  REPLAY_NOT_ACTIVE: 409,
  REPLAY_OUT_OF_RANGE: 400,
});

export class ReplayError extends CodedError<ReplayErrorCode> {
  constructor(code: ReplayErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(code, REPLAY_ERROR_STATUS[code], message, options);
  }
}
