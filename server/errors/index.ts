export { CodedError, type CodedErrorOptions, type StatusTable, toWireError } from './coded-error.js';
