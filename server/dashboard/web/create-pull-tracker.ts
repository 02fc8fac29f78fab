// Finds dyno pulls in the live RPM/power/torque stream: a run where RPM climbs (within a small tolerance) at wide
// open throttle. The current pull grows while it lasts; when RPM falls back or the throttle closes it becomes the
// last pull, which stays on the plot until the next one.

import type { Pull, PullPoint } from './pull.js';
import { PullClimb } from './pull-climb.js';

export type { Pull, PullPeak, PullPoint } from './pull.js';

export interface PullTrackerOptions {
  /** RPM may dip this much below the pull's highest RPM without ending it (sensor noise, gear lash). */
  dropToleranceRpm: number;
  /** A climb becomes a pull once it spans this many RPM. */
  minSpanRpm: number;
  /** Throttle (%) at or above which a climb counts; ignored when no TPS channel is known. */
  wotTpsPct: number;
  /** Bound on points per pull; later points are counted as dropped. */
  maxPoints: number;
  /** A climb that starts more than this long after the previous point (or with the first point seen) is partial. */
  maxGapMs: number;
}

export const DEFAULT_PULL_TRACKER_OPTIONS: PullTrackerOptions = {
  dropToleranceRpm: 150,
  minSpanRpm: 1000,
  wotTpsPct: 90,
  maxPoints: 4000,
  maxGapMs: 1000,
};

export interface PullTracker {
  /** Feeds one point; returns true when the displayed pull changed. */
  push(time: number, point: PullPoint, tpsPct: number | null): boolean;
  /** The pull in progress, else the last completed one, else null. */
  current(): Pull | null;
  readonly completed: number;
  readonly droppedPoints: number;
}

export function createPullTracker(options: Partial<PullTrackerOptions> = {}): PullTracker {
  const opts = { ...DEFAULT_PULL_TRACKER_OPTIONS, ...options };
  const climb = new PullClimb();
  let lastTime: number | null = null;
  let active: Pull | null = null;
  let last: Pull | null = null;
  let completed = 0;
  let droppedPoints = 0;

  function finish(time: number): void {
    if (active) {
      last = climb.finished(time);
      completed++;
    }
    active = null;
    climb.clear();
  }

  function start(time: number, point: PullPoint): void {
    climb.start(time, point, lastTime === null || time - lastTime > opts.maxGapMs);
  }

  function step(time: number, point: PullPoint, tpsPct: number | null): boolean {
    const throttleOpen = tpsPct === null || !Number.isFinite(tpsPct) || tpsPct >= opts.wotTpsPct;
    const falling = climb.length > 0 && point.rpm < climb.maxRpm - opts.dropToleranceRpm;
    if (!throttleOpen || falling) {
      const wasActive = active !== null;
      finish(time);
      // A falling RPM may be the low point a new climb starts from.
      if (throttleOpen) start(time, point);
      return wasActive;
    }
    // Before a climb qualifies, a new low or a full buffer (a long steady idle) restarts it from here.
    if (active === null && (climb.length === 0 || point.rpm <= climb.firstRpm || climb.length >= opts.maxPoints)) {
      start(time, point);
      return false;
    }
    if (climb.length >= opts.maxPoints) {
      droppedPoints++;
      return false;
    }
    climb.add(point);
    if (active === null && climb.maxRpm - climb.firstRpm < opts.minSpanRpm) return false;
    active = climb.live();
    return true;
  }

  return {
    push(time, point, tpsPct) {
      if (!Number.isFinite(point.rpm) || !Number.isFinite(point.power) || !Number.isFinite(point.torque)) return false;
      const changed = step(time, point, tpsPct);
      lastTime = time;
      return changed;
    },
    current() {
      return active ?? last;
    },
    get completed() {
      return completed;
    },
    get droppedPoints() {
      return droppedPoints;
    },
  };
}
