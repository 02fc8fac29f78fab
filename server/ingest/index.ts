// The ingest composition: UDP datagrams (or any datagram source) → JetDrive node → channel registry.
export { createIngest, type Ingest, type IngestOptions, type IngestStatus } from './create-ingest.js';
