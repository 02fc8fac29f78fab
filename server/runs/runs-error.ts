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
  | 'JOURNAL_WORKER_FAILED'
  | 'JOURNAL_QUEUE_FULL';

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
  JOURNAL_WORKER_FAILED: 500,
  JOURNAL_QUEUE_FULL: 503,
});

export class RunsError extends CodedError<RunsErrorCode> {
  constructor(code: RunsErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, RUNS_ERROR_STATUS[code], message, options);
  }
}
