import { CodedError, type StatusTable } from '../errors/coded-error.js';

// The one error type of the run-analysis core; HTTP renders it with CURVES_ERROR_STATUS. A refused CSV names the row
// and the column in the message and in `details` ({ row, column }), so a shop can fix the file.

export type CurvesErrorCode =
  | 'INVALID_OPTION'
  | 'NO_PULL_DATA'
  | 'TOO_MANY_RUNS'
  | 'CSV_INVALID'
  | 'CSV_TOO_LARGE'
  | 'UNKNOWN_UNIT';

export const CURVES_ERROR_STATUS: StatusTable<CurvesErrorCode> = Object.freeze({
  INVALID_OPTION: 400,
  NO_PULL_DATA: 422,
  TOO_MANY_RUNS: 400,
  CSV_INVALID: 400,
  CSV_TOO_LARGE: 413,
  UNKNOWN_UNIT: 400,
});

/** Where in a CSV file a refusal is: 1-based row (the header is row 1) and column. */
export interface CsvPosition {
  row: number;
  column: number;
  /** The column's header text, when the header was read. */
  columnName?: string;
}

export class CurvesError extends CodedError<CurvesErrorCode> {
  constructor(code: CurvesErrorCode, message: string, options: { field?: string; details?: unknown } = {}) {
    super(code, CURVES_ERROR_STATUS[code], message, options);
  }
}

/** A CSV refusal: "row 7, column 3 (Power (hp)): …". */
export function csvError(code: 'CSV_INVALID' | 'CSV_TOO_LARGE', at: CsvPosition, problem: string): CurvesError {
  const name = at.columnName === undefined ? '' : ` (${at.columnName})`;
  return new CurvesError(code, `row ${at.row}, column ${at.column}${name}: ${problem}`, { details: at });
}
