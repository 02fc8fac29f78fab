// Finds dyno pulls in the live RPM/power/torque stream: a run where RPM climbs (within a small tolerance) at wide
// open throttle. The current pull grows while it lasts; when RPM falls back or the throttle closes it becomes the
// last pull, which stays on the plot until the next one.

export interface PullPoint {
  rpm: number;
  /** Wire units (kW, N·m); the plot converts. */
  power: number;
  torque: number;
}

export interface PullPeak {
  rpm: number;
  value: number;
}

export interface Pull {
  points: readonly PullPoint[];
  peakPower: PullPeak | null;
  peakTorque: PullPeak | null;
  active: boolean;
  /** Caught half-way: the page did not see the climb start (it opened, or data was missing, mid-pull). */
  partial: boolean;
  startedAt: number;
  endedAt: number | null;
}

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

function peaksOf(points: readonly PullPoint[]): { power: PullPeak | null; torque: PullPeak | null } {
  let power: PullPeak | null = null;
  let torque: PullPeak | null = null;
  for (const p of points) {
    if (power === null || p.power > power.value) power = { rpm: p.rpm, value: p.power };
    if (torque === null || p.torque > torque.value) torque = { rpm: p.rpm, value: p.torque };
  }
  return { power, torque };
}

export function createPullTracker(options: Partial<PullTrackerOptions> = {}): PullTracker {
  const opts = { ...DEFAULT_PULL_TRACKER_OPTIONS, ...options };
  let candidate: PullPoint[] = [];
  let candidateStart = 0;
  let candidatePartial = false;
  let lastTime: number | null = null;
  let maxRpm = 0;
  let active: Pull | null = null;
  let last: Pull | null = null;
  let completed = 0;
  let droppedPoints = 0;

  let peakPower: PullPeak | null = null;
  let peakTorque: PullPeak | null = null;

  function finish(time: number): void {
    if (active) {
      // A pull is a climb: what came after its highest RPM (throttle closing, the limiter) is not part of it.
      let top = 0;
      for (let i = 1; i < candidate.length; i++) if (candidate[i].rpm >= candidate[top].rpm) top = i;
      const points = candidate.slice(0, top + 1);
      const peaks = peaksOf(points);
      last = {
        points,
        peakPower: peaks.power,
        peakTorque: peaks.torque,
        active: false,
        partial: candidatePartial,
        startedAt: candidateStart,
        endedAt: time,
      };
      completed++;
    }
    active = null;
    candidate = [];
  }

  function start(time: number, point: PullPoint): void {
    candidate = [point];
    candidatePartial = lastTime === null || time - lastTime > opts.maxGapMs;
    candidateStart = time;
    maxRpm = point.rpm;
    peakPower = { rpm: point.rpm, value: point.power };
    peakTorque = { rpm: point.rpm, value: point.torque };
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

  function step(time: number, point: PullPoint, tpsPct: number | null): boolean {
    const throttleOpen = tpsPct === null || !Number.isFinite(tpsPct) || tpsPct >= opts.wotTpsPct;
    const falling = candidate.length > 0 && point.rpm < maxRpm - opts.dropToleranceRpm;
    if (!throttleOpen || falling) {
      const wasActive = active !== null;
      finish(time);
      // A falling RPM may be the low point a new climb starts from.
      if (throttleOpen) start(time, point);
      return wasActive;
    }
    // Before a climb qualifies, a new low or a full buffer (a long steady idle) restarts it from here.
    if (
      active === null &&
      (candidate.length === 0 || point.rpm <= candidate[0].rpm || candidate.length >= opts.maxPoints)
    ) {
      start(time, point);
      return false;
    }
    if (candidate.length >= opts.maxPoints) {
      droppedPoints++;
      return false;
    }
    candidate.push(point);
    if (point.rpm > maxRpm) maxRpm = point.rpm;
    if (peakPower === null || point.power > peakPower.value) peakPower = { rpm: point.rpm, value: point.power };
    if (peakTorque === null || point.torque > peakTorque.value) peakTorque = { rpm: point.rpm, value: point.torque };
    if (active === null && maxRpm - candidate[0].rpm < opts.minSpanRpm) return false;
    active = {
      points: candidate,
      peakPower,
      peakTorque,
      active: true,
      partial: candidatePartial,
      startedAt: candidateStart,
      endedAt: null,
    };
    return true;
  }
}
