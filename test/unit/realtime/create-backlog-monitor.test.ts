import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EvictionNotice, LaggingNotice } from '@jetdrive-hub/client/contract';
import { type BacklogViewer, createBacklogMonitor } from '../../../server/realtime/create-backlog-monitor.js';

const options = {
  backlogLimitBytes: 1_000,
  resumeBacklogBytes: 100,
  maxBacklogBytes: 10_000,
  stuckAfterMs: 5_000,
  backlogCheckMs: 50,
};

describe('backlog monitor', () => {
  let backlog: number;
  let lagging: boolean;
  let notices: LaggingNotice[];
  let evictions: EvictionNotice[];
  let monitor: ReturnType<typeof createBacklogMonitor>;

  beforeEach(() => {
    vi.useFakeTimers();
    backlog = 0;
    lagging = false;
    notices = [];
    evictions = [];
    const viewer: BacklogViewer = {
      id: 'v',
      backlogBytes: () => backlog,
      notify: (notice) => notices.push(notice),
      evict: (notice) => evictions.push(notice),
    };
    monitor = createBacklogMonitor({
      viewers: () => (evictions.length > 0 ? [] : [viewer]),
      target: {
        setLagging: (_id, value) => {
          lagging = value;
        },
        isLagging: () => lagging,
      },
      options,
    });
  });

  afterEach(() => {
    monitor.close();
    vi.useRealTimers();
  });

  it('marks a viewer over the limit as lagging and resumes it once drained', () => {
    backlog = 1_001;
    vi.advanceTimersByTime(50);
    expect(lagging).toBe(true);
    expect(notices).toEqual([{ lagging: true, backlogBytes: 1_001, limitBytes: 1_000 }]);
    backlog = 500;
    vi.advanceTimersByTime(200);
    expect(lagging).toBe(true);
    backlog = 100;
    vi.advanceTimersByTime(50);
    expect(lagging).toBe(false);
    expect(notices[1]).toEqual({ lagging: false, backlogBytes: 100, limitBytes: 1_000 });
    expect(monitor.stats()).toMatchObject({
      laggingEvents: 1,
      recoveredEvents: 1,
      disconnectedSlow: 0,
      maxBacklogSeen: 1_001,
    });
  });

  it('disconnects a viewer that stays behind past stuckAfterMs', () => {
    backlog = 2_000;
    vi.advanceTimersByTime(50);
    vi.advanceTimersByTime(5_000);
    expect(evictions).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(evictions).toEqual([
      { code: 'SLOW_VIEWER_STUCK', message: 'lagging for 5050 ms (limit 5000 ms) with 2000 bytes still queued' },
    ]);
    expect(monitor.stats().disconnectedSlow).toBe(1);
  });

  it('disconnects at once above maxBacklogBytes', () => {
    backlog = 10_001;
    vi.advanceTimersByTime(50);
    expect(evictions).toEqual([
      { code: 'SLOW_VIEWER_BACKLOG', message: 'backlog 10001 bytes exceeds the limit of 10000 bytes' },
    ]);
  });

  it('stops checking when closed', () => {
    monitor.close();
    backlog = 5_000;
    vi.advanceTimersByTime(500);
    expect(notices).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
