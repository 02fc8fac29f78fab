import type { ConnectionState } from '@jetdrive-hub/client';
import type { Header } from './create-header.js';

/** Shows the SDK's connection state in the header and as `data-connection` on the body (styles and tests). */
export function showConnection(header: Header, c: ConnectionState): void {
  if (c.state === 'connected') {
    header.setConnection('connected');
    if (c.hello) header.setSource(c.hello.source);
    document.body.dataset.connection = 'connected';
  } else if (c.state === 'stale') {
    // Connected to this hub, but it cannot see the data source (a cluster edge without Redis or its ingest node).
    header.setConnection('stale', c.source.reason);
    document.body.dataset.connection = 'stale';
  } else if (c.state === 'connecting') {
    header.setConnection('connecting', c.attempt > 0 ? `attempt ${c.attempt}` : null);
    document.body.dataset.connection = 'connecting';
  } else {
    header.setConnection('disconnected', c.willReconnect ? `${c.reason}, retrying` : c.reason);
    document.body.dataset.connection = 'disconnected';
  }
}
