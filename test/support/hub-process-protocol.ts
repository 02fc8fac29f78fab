// IPC between a test and test/support/hub-process.ts.

export interface DelayFigures {
  /** Samples since the last reset. */
  count: number;
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  meanMs: number;
}

export interface LoopDelay {
  /** perf_hooks.monitorEventLoopDelay: wall-clock delays, including time the OS gave the CPU to other processes. */
  wall: DelayFigures;
  /** The same ticks, each delay capped by the CPU time the hub process used meanwhile: the hub's own work. */
  ownWork: DelayFigures;
}

export type HubProcessCommand = { type: 'loop:reset' } | { type: 'loop:read' } | { type: 'stop' };

export type HubProcessMessage =
  | { type: 'ready'; url: string; jetdrivePort: number }
  | { type: 'failed'; message: string }
  | { type: 'loop'; loop: LoopDelay };
