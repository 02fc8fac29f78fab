// The ingest composition: UDP datagrams (or any datagram source) → JetDrive node → channel registry.
export { createIngest, type Ingest, type IngestOptions, type IngestStatus } from './create-ingest.js';
export {
  type NoProviderHintInput,
  type NoProviderWarningOptions,
  noProviderHint,
  warnWhenNoProvider,
} from './warn-when-no-provider.js';
