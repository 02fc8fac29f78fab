import type { EvictionNotice, LaggingNotice } from '@jetdrive-hub/client/contract';
import type { RealtimeOptions } from './options.js';

// Slow-viewer policy, measured every `backlogCheckMs`: over `backlogLimitBytes` a viewer leaves its rooms and gets
// only the newest value per channel once it drains to `resumeBacklogBytes`; lagging past `stuckAfterMs` or
// buffering more than `maxBacklogBytes` gets it disconnected. Between two checks a stalled viewer can gain at most
// one check interval of traffic, so its backlog stays near `backlogLimitBytes`.

export interface BacklogViewer {
  id: string;
  backlogBytes(): number;
  notify(notice: LaggingNotice): void;
  evict(notice: EvictionNotice): void;
}

export interface BacklogTarget {
  setLagging(viewerId: string, lagging: boolean): void;
  isLagging(viewerId: string): boolean;
}

export interface BacklogMonitorStats {
  laggingEvents: number;
  recoveredEvents: number;
  disconnectedSlow: number;
  maxBacklogSeen: number;
}

export interface BacklogMonitor {
  check(): void;
  forget(viewerId: string): void;
  stats(): BacklogMonitorStats;
  close(): void;
}

export function createBacklogMonitor(deps: {
  viewers: () => Iterable<BacklogViewer>;
  target: BacklogTarget;
  options: Pick<
    RealtimeOptions,
    'backlogLimitBytes' | 'resumeBacklogBytes' | 'maxBacklogBytes' | 'stuckAfterMs' | 'backlogCheckMs'
  >;
  now?: () => number;
}): BacklogMonitor {
  const { target, options } = deps;
  const now = deps.now ?? Date.now;
  const laggingSince = new Map<string, number>();
  const counters: BacklogMonitorStats = {
    laggingEvents: 0,
    recoveredEvents: 0,
    disconnectedSlow: 0,
    maxBacklogSeen: 0,
  };

  function evict(viewer: BacklogViewer, notice: EvictionNotice): void {
    counters.disconnectedSlow++;
    laggingSince.delete(viewer.id);
    viewer.evict(notice);
  }

  function check(): void {
    const at = now();
    for (const viewer of deps.viewers()) {
      const bytes = viewer.backlogBytes();
      if (bytes > counters.maxBacklogSeen) counters.maxBacklogSeen = bytes;
      if (bytes > options.maxBacklogBytes) {
        evict(viewer, {
          code: 'SLOW_VIEWER_BACKLOG',
          message: `backlog ${bytes} bytes exceeds the limit of ${options.maxBacklogBytes} bytes`,
        });
        continue;
      }
      if (!target.isLagging(viewer.id)) {
        if (bytes <= options.backlogLimitBytes) continue;
        target.setLagging(viewer.id, true);
        laggingSince.set(viewer.id, at);
        counters.laggingEvents++;
        viewer.notify({ lagging: true, backlogBytes: bytes, limitBytes: options.backlogLimitBytes });
        continue;
      }
      const since = laggingSince.get(viewer.id) ?? at;
      if (bytes <= options.resumeBacklogBytes) {
        laggingSince.delete(viewer.id);
        target.setLagging(viewer.id, false);
        counters.recoveredEvents++;
        viewer.notify({ lagging: false, backlogBytes: bytes, limitBytes: options.backlogLimitBytes });
      } else if (at - since > options.stuckAfterMs) {
        evict(viewer, {
          code: 'SLOW_VIEWER_STUCK',
          message: `lagging for ${at - since} ms (limit ${options.stuckAfterMs} ms) with ${bytes} bytes still queued`,
        });
      }
    }
  }

  const timer = setInterval(check, options.backlogCheckMs);
  return {
    check,
    forget: (viewerId) => {
      laggingSince.delete(viewerId);
    },
    stats: () => ({ ...counters }),
    close: () => clearInterval(timer),
  };
}
