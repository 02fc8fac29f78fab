import { afterEach, describe, expect, it } from 'vitest';
import { createBudgetedQueue } from '../../../server/jetdrive/create-budgeted-queue.js';
import { until } from '../../support/until.js';

// A clock that advances only when an item runs: each item "costs" its own number of milliseconds.
function setup(budgetMs: number, maxWeight: number) {
  let clock = 0;
  const ran: number[] = [];
  const queue = createBudgetedQueue<number>({
    budgetMs,
    maxWeight,
    weight: () => 1,
    run: (cost) => {
      ran.push(cost);
      clock += cost;
    },
    now: () => clock,
  });
  return { queue, ran };
}

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

describe('createBudgetedQueue', () => {
  it('runs items at once while the turn has budget, then on later turns, in order', async () => {
    const { queue, ran } = setup(4, 100);
    cleanup = queue.clear;
    for (const cost of [1, 2, 3, 1, 1]) queue.push(cost);
    // 1 + 2 + 3 spent the 4 ms budget: the rest waits.
    expect(ran).toEqual([1, 2, 3]);
    expect(queue.stats()).toMatchObject({ waiting: 2, deferred: 2, dropped: 0 });
    await until(() => ran.length === 5, 1_000, 'the next turn');
    expect(ran).toEqual([1, 2, 3, 1, 1]);
    expect(queue.stats().waiting).toBe(0);
  });

  it('drops and counts items beyond the waiting weight', () => {
    const { queue, ran } = setup(1, 2);
    cleanup = queue.clear;
    expect([queue.push(5), queue.push(1), queue.push(1), queue.push(1)]).toEqual([true, true, true, false]);
    expect(ran).toEqual([5]);
    expect(queue.stats()).toMatchObject({ waiting: 2, waitingWeight: 2, dropped: 1 });
    queue.clear();
    expect(queue.stats()).toMatchObject({ waiting: 0, waitingWeight: 0 });
  });
});
