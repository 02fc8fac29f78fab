import { CodedError, type StatusTable } from '../errors/coded-error.js';

export type SelectorErrorCode = 'INVALID_SELECTOR';

export const SELECTOR_ERROR_STATUS: StatusTable<SelectorErrorCode> = Object.freeze({ INVALID_SELECTOR: 400 });

/** A selector that cannot be compiled (a glob picomatch refuses): an error, never a silent exact-name match. */
export class SelectorError extends CodedError<SelectorErrorCode> {
  constructor(selector: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'INVALID_SELECTOR',
      SELECTOR_ERROR_STATUS.INVALID_SELECTOR,
      `selector "${selector.slice(0, 64)}": not a valid glob (${reason})`,
      {
        field: 'selector',
        cause,
      },
    );
  }
}
