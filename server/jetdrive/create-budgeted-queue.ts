// Runs work items in arrival order, inline while the current event-loop turn has budget left, else on later turns
// (setImmediate), so a burst of expensive messages can never hold the loop for long: the kernel hands the hub up to
// hundreds of datagrams in one poll phase, and each ChannelInfo datagram can add dozens of channels. The queue is
// bounded by the total weight of what waits; beyond it items are dropped and counted.

export interface BudgetedQueueOptions<T> {
  /** Work per event-loop turn before the rest waits for the next turn. */
  budgetMs: number;
  /** Upper bound on the summed weight of waiting items. */
  maxWeight: number;
  weight(item: T): number;
  run(item: T): void;
  now?: () => number;
}

export interface BudgetedQueueStats {
  /** Items waiting now. */
  waiting: number;
  waitingWeight: number;
  /** Items run on a later turn because their turn's budget was spent. */
  deferred: number;
  /** Items refused because the waiting weight would exceed maxWeight. */
  dropped: number;
}

export interface BudgetedQueue<T> {
  /** Runs or queues `item`; false when it was dropped (queue full). */
  push(item: T): boolean;
  stats(): BudgetedQueueStats;
  /** Forgets waiting items and cancels the scheduled turn. */
  clear(): void;
}

export function createBudgetedQueue<T>(options: BudgetedQueueOptions<T>): BudgetedQueue<T> {
  const now = options.now ?? (() => performance.now());
  const waiting: T[] = [];
  let head = 0;
  let waitingWeight = 0;
  let deferred = 0;
  let dropped = 0;
  /** Time spent in the current turn, reset by the scheduled immediate. */
  let spent = 0;
  let scheduled: ReturnType<typeof setImmediate> | null = null;

  const runTimed = (item: T): void => {
    const started = now();
    try {
      options.run(item);
    } finally {
      spent += now() - started;
    }
  };

  const newTurn = (): void => {
    scheduled = null;
    spent = 0;
    while (head < waiting.length && spent < options.budgetMs) {
      const item = waiting[head];
      waiting[head++] = undefined as T;
      waitingWeight -= options.weight(item);
      runTimed(item);
    }
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
    } else if (head > 1024) {
      waiting.splice(0, head);
      head = 0;
    }
    if (head < waiting.length) schedule();
  };

  function schedule(): void {
    scheduled ??= setImmediate(newTurn);
  }

  return {
    push(item) {
      if (head === waiting.length && spent < options.budgetMs) {
        // Nothing waits and there is budget: run now (the common case, and what keeps small tests synchronous).
        runTimed(item);
        schedule();
        return true;
      }
      const w = options.weight(item);
      if (waitingWeight + w > options.maxWeight) {
        dropped++;
        return false;
      }
      waiting.push(item);
      waitingWeight += w;
      deferred++;
      schedule();
      return true;
    },
    stats: () => ({ waiting: waiting.length - head, waitingWeight, deferred, dropped }),
    clear() {
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      waiting.length = 0;
      head = 0;
      waitingWeight = 0;
      spent = 0;
    },
  };
}
