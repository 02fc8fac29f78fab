import { CodedError, type StatusTable } from '../errors/coded-error.js';

export type MappingStoreErrorCode = 'MAPPING_LIMIT_EXCEEDED' | 'MAPPING_STORE_UNAVAILABLE';

/** HTTP status of each code: a limit is the client's mistake, an unreadable store the server's. */
export const MAPPING_STORE_STATUS: StatusTable<MappingStoreErrorCode> = Object.freeze({
  MAPPING_LIMIT_EXCEEDED: 400,
  MAPPING_STORE_UNAVAILABLE: 503,
});

export class MappingStoreError extends CodedError<MappingStoreErrorCode> {
  constructor(code: MappingStoreErrorCode, message: string) {
    super(code, MAPPING_STORE_STATUS[code], message);
  }
}
