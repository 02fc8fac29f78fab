import { type AnalysisStartRequest, analysisStartSchema, describeZodError } from '@jetdrive-hub/client/contract';
import { AnalysisError } from './analysis-error.js';

/** How fields of a start body are named in messages: by their own name ("maxHits: must be >= 1"). */
export const ANALYSIS_START_FIELDS = { root: '(body)' } as const;

/**
 * Validates a start body with the contract's strict schema. Throws AnalysisError('VALIDATION_FAILED') naming the
 * first failing field (an unknown one by its name, listing the known fields), with every issue in details.
 */
export function parseAnalysisStart(input: unknown): AnalysisStartRequest {
  const parsed = analysisStartSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const described = describeZodError(parsed.error, ANALYSIS_START_FIELDS);
  throw new AnalysisError('VALIDATION_FAILED', described.message, described.field, { issues: described.issues });
}
