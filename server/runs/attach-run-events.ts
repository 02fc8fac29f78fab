import { asyncScheduler, type Subscription, throttleTime } from 'rxjs';
import type { HubServer, HubSocket } from '../auth/socket-data.js';
import type { RunCapture } from './run-capture.js';
import type { RunLibrary } from './run-library.js';
import { registerRunCommands } from './run-socket-handlers.js';

/** runs:changed is sent at most once per this many ms (first and last of a burst), with the library's first page. */
const RUNS_CHANGED_THROTTLE_MS = 500;
const RUNS_CHANGED_PAGE = 50;

/**
 * Pushes run:started, run:ended, recording:alert and runs:changed to every viewer, and answers the run library's
 * commands (run:list, run:get, …) on every connection; returns the detach.
 */
export function attachRunEvents(io: HubServer, capture: RunCapture, library: RunLibrary): () => void {
  const subs: Subscription[] = [
    capture.events$.subscribe((e) => {
      if (e.type === 'run:started') io.emit('run:started', e.run);
      else if (e.type === 'run:ended') io.emit('run:ended', e.ended);
      else io.emit('recording:alert', e.alert);
    }),
    library.changes$
      .pipe(throttleTime(RUNS_CHANGED_THROTTLE_MS, asyncScheduler, { leading: true, trailing: true }))
      .subscribe(() => io.emit('runs:changed', library.list({ offset: 0, limit: RUNS_CHANGED_PAGE }).runs)),
  ];
  const onConnection = (socket: HubSocket): void => registerRunCommands(socket, capture, library);
  io.on('connection', onConnection);
  return () => {
    io.off('connection', onConnection);
    for (const s of subs) s.unsubscribe();
  };
}
