// The numbers of run capture a user may tune (config.ts maps RUN_* env and flags onto them).

export interface RunDetectionOptions {
  /** A pull starts when engine rpm rises through this with the throttle open … */
  startRpm: number;
  /** … by at least this much per second … */
  minRiseRpmPerS: number;
  /** … and the throttle at or above this, %. */
  startTps: number;
  /** It ends when the throttle closes below this, % … */
  endTps: number;
  /** … or rpm falls faster than this (rpm/s) for decelHoldMs … */
  decelRpmPerS: number;
  decelHoldMs: number;
  /** … or it has lasted this long. */
  maxDurationS: number;
  /** Without an rpm channel, drum speed (km/h) is watched instead, with these thresholds. */
  startSpeedKmh: number;
  minRiseKmhPerS: number;
  decelKmhPerS: number;
}

export interface RunOptions {
  /** Record pulls as they are detected (manual start/stop works either way). */
  autoRecord: boolean;
  detection: RunDetectionOptions;
  /** Black-box ring: the last this many ms of raw datagrams, at most ringBytes. */
  ringMs: number;
  ringBytes: number;
  preRollMs: number;
  postRollMs: number;
  /** The journal is appended at least this often (every 50 ms, or more often): a kill -9 loses at most this much. */
  flushMs: number;
  /** Retention: total bytes of run files and their count; oldest unpinned removed first. */
  maxTotalBytes: number;
  maxRuns: number;
  /** How often a suspended recorder (disk full, write error) checks whether it can write again. */
  resumeCheckMs: number;
  compression: 'zstd' | 'lz4' | 'none';
}

export const DEFAULT_DETECTION_OPTIONS: Readonly<RunDetectionOptions> = Object.freeze({
  startRpm: 1500,
  minRiseRpmPerS: 150,
  startTps: 10,
  endTps: 5,
  decelRpmPerS: 300,
  decelHoldMs: 300,
  maxDurationS: 60,
  startSpeedKmh: 20,
  minRiseKmhPerS: 3,
  decelKmhPerS: 5,
});

export const DEFAULT_RUN_OPTIONS: Readonly<RunOptions> = Object.freeze({
  autoRecord: true,
  detection: DEFAULT_DETECTION_OPTIONS,
  ringMs: 10_000,
  ringBytes: 8 * 1024 * 1024,
  preRollMs: 3000,
  postRollMs: 3000,
  flushMs: 250,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRuns: 500,
  resumeCheckMs: 5000,
  compression: 'zstd',
});
