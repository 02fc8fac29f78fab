import { setImmediate as yieldToLoop } from 'node:timers/promises';

export interface TimeSlicer {
  /** Resolves when it is this caller's turn to run a slice: at most one caller per event-loop turn. */
  nextSlice(): Promise<void>;
  /** Callers waiting for a turn. */
  readonly waiting: number;
}

/**
 * Round-robin CPU slices across every session: one waiter is let through per event-loop turn (a macrotask), so the
 * loop is blocked by at most one slice at a time however many sessions run, and timers and socket I/O get a turn
 * between slices. (Each session yielding with its own setImmediate would let all of them run in the same check
 * phase: N sessions × slice of delay per turn.)
 */
export function createTimeSlicer(): TimeSlicer {
  const waiters: (() => void)[] = [];
  let pumping = false;
  const pump = async (): Promise<void> => {
    while (waiters.length > 0) {
      await yieldToLoop();
      waiters.shift()?.();
    }
    pumping = false;
  };
  return {
    nextSlice() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (!pumping) {
          pumping = true;
          void pump();
        }
      });
    },
    get waiting() {
      return waiters.length;
    },
  };
}

/** The process-wide slicer sessions share by default. */
export const sharedTimeSlicer: TimeSlicer = createTimeSlicer();
