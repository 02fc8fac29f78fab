import { CodedError, type StatusTable } from '../errors/coded-error.js';

export type DashboardErrorCode = 'DASHBOARD_BUILD_FAILED' | 'DASHBOARD_ASSET_NOT_FOUND';

/** A failed bundle is the server's fault (500, with the reason), an unknown asset name the client's (404). */
export const DASHBOARD_ERROR_STATUS: StatusTable<DashboardErrorCode> = Object.freeze({
  DASHBOARD_BUILD_FAILED: 500,
  DASHBOARD_ASSET_NOT_FOUND: 404,
});

export class DashboardError extends CodedError<DashboardErrorCode> {
  constructor(code: DashboardErrorCode, message: string, cause?: unknown) {
    super(code, DASHBOARD_ERROR_STATUS[code], message, { cause });
  }
}
