import { type Observable, tap } from 'rxjs';
import type { Datagram } from '../transport/types.js';

export interface DatagramTap {
  /** The source with every listener called for each datagram, before whoever subscribes sees it. */
  readonly tapped$: Observable<Datagram>;
  /** Adds a listener (synchronous, on the hot path: copy what you keep); returns its removal. */
  onDatagram(listener: (d: Datagram) => void): () => void;
}

/** What the node receives, shown to listeners (run capture's black box): one array walk per datagram. */
export function createDatagramTap(source$: Observable<Datagram>): DatagramTap {
  let listeners: ReadonlyArray<(d: Datagram) => void> = [];
  return {
    tapped$: source$.pipe(
      tap((d) => {
        for (const listener of listeners) listener(d);
      }),
    ),
    onDatagram(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
  };
}
