import { CodedError, type CodedErrorOptions } from '../errors/coded-error.js';
import { HTTP_ERROR_STATUS, type HttpErrorCode } from './error-codes.js';

/** An error of the HTTP layer itself (routing, bodies, routes' own refusals); its status comes from HTTP_ERROR_STATUS. */
export class HttpError extends CodedError<HttpErrorCode> {
  constructor(code: HttpErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(code, HTTP_ERROR_STATUS[code], message, options);
  }
}
