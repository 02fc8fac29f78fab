import type { CatalogEvent } from '../../server/channels/types.js';
import { createIngest, type Ingest, type IngestOptions } from '../../server/ingest/create-ingest.js';
import { loopbackMulticast } from './udp.js';

export interface StartedIngest {
  ingest: Ingest;
  /** The UDP port the OS gave it. */
  port: number;
  /** Every catalog event since before start. */
  events: CatalogEvent[];
}

/**
 * A started ingest on loopback (port 0) with test-speed node timers (host id claimed in 50 ms, liveness checked
 * every 25 ms, offline after 300 ms) unless `options` says otherwise. The caller stops it.
 */
export async function startLoopbackIngest(options: IngestOptions = {}): Promise<StartedIngest> {
  const ingest = createIngest({
    multicast: loopbackMulticast(0),
    ...options,
    node: { claimMs: 50, offlineAfterMs: 300, checkIntervalMs: 25, ...options.node },
  });
  const events: CatalogEvent[] = [];
  ingest.registry.events$.subscribe((e) => events.push(e));
  await ingest.start();
  const port = ingest.port();
  if (port === null) {
    await ingest.stop();
    throw new Error('ingest has no port after start');
  }
  return { ingest, port, events };
}
