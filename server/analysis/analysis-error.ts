import { CodedError, type StatusTable } from '../errors/coded-error.js';

// The one error type of the live analyses; HTTP renders it with ANALYSIS_ERROR_STATUS, socket acks with its code.

export type AnalysisErrorCode =
  | 'VALIDATION_FAILED'
  | 'ANALYSIS_NOT_FOUND'
  | 'PROVIDER_NOT_FOUND'
  | 'PROVIDER_AMBIGUOUS'
  | 'CHANNELS_MISSING'
  | 'ANALYSIS_NOT_RUNNING'
  | 'TOO_MANY_ANALYSES'
  | 'TOO_MANY_WATCHES'
  | 'TOO_MANY_RUNS'
  | 'ANALYSIS_IS_LIVE';

/** 404 for what does not exist, 409 for a state that does not allow it, 422 for a provider that lacks a channel. */
export const ANALYSIS_ERROR_STATUS: StatusTable<AnalysisErrorCode> = Object.freeze({
  VALIDATION_FAILED: 400,
  ANALYSIS_NOT_FOUND: 404,
  PROVIDER_NOT_FOUND: 404,
  PROVIDER_AMBIGUOUS: 409,
  CHANNELS_MISSING: 422,
  ANALYSIS_NOT_RUNNING: 409,
  TOO_MANY_ANALYSES: 429,
  TOO_MANY_WATCHES: 429,
  TOO_MANY_RUNS: 429,
  ANALYSIS_IS_LIVE: 409,
});

export class AnalysisError extends CodedError<AnalysisErrorCode> {
  constructor(code: AnalysisErrorCode, message: string, field?: string, details?: unknown) {
    super(code, ANALYSIS_ERROR_STATUS[code], message, { details, ...(field === undefined ? {} : { field }) });
  }
}
