import { CodedError, type StatusTable } from '../errors/coded-error.js';

export type RunsErrorCode =
  | 'RUN_NOT_FOUND'
  | 'INVALID_RUN_FILE'
  | 'RUN_FILE_TOO_LARGE'
  | 'RUN_ALREADY_EXISTS'
  | 'ALREADY_RECORDING'
  | 'NOT_RECORDING'
  | 'RECORDING_SUSPENDED'
  | 'RUNS_UNAVAILABLE'
  | 'INVALID_FILTER'
  /** A run folder's unfinished journal that is not one this hub reads (foreign, or another layout version). */
  | 'UNREADABLE_JOURNAL';

export const RUNS_ERROR_STATUS: StatusTable<RunsErrorCode> = Object.freeze({
  RUN_NOT_FOUND: 404,
  INVALID_RUN_FILE: 422,
  RUN_FILE_TOO_LARGE: 413,
  RUN_ALREADY_EXISTS: 409,
  ALREADY_RECORDING: 409,
  NOT_RECORDING: 409,
  RECORDING_SUSPENDED: 503,
  RUNS_UNAVAILABLE: 503,
  INVALID_FILTER: 400,
  UNREADABLE_JOURNAL: 422,
});

export class RunsError extends CodedError<RunsErrorCode> {
  constructor(code: RunsErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, RUNS_ERROR_STATUS[code], message, options);
  }
}
