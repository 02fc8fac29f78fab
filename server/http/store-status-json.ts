import type { MappingStoreStatus } from '../mapping/mapping-store.js';

/** The mapping store's health as the status and mapping routes report it (snake_case, ISO times). */
export function storeStatusJson(store: MappingStoreStatus) {
  return {
    file: store.file,
    corrupt: store.corrupt
      ? { moved_to: store.corrupt.movedTo, error: store.corrupt.error, at: new Date(store.corrupt.at).toISOString() }
      : null,
    read_error: store.readError,
    last_save_error: store.lastSaveError,
  };
}
