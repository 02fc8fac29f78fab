export { CodedError, type CodedErrorOptions, INTERNAL_ERROR, type StatusTable, toWireError } from './coded-error.js';
