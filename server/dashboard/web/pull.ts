// A dyno pull as the page sees it: the points of one RPM climb at wide open throttle, with its peaks.

export interface PullPoint {
  rpm: number;
  /** Wire units (kW, N·m); the plot converts. */
  power: number;
  torque: number;
  /** Road (drum) speed, km/h; absent when the dyno has no speed channel or its value went stale. */
  speed?: number;
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
