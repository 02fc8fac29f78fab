import { describe, expect, it } from 'vitest';
import { createPongLimiter } from '../../../server/jetdrive/create-pong-limiter.js';

describe('createPongLimiter', () => {
  it('answers a host within its burst and rate, and all hosts within the total', () => {
    const l = createPongLimiter({ perHostPerS: 2, perHostBurst: 3, totalPerS: 4, maxEchoBytes: 8 });
    const answers = (host: number, n: number, t: number) =>
      Array.from({ length: n }, () => l.refusal(host, 4, t)).filter((r) => r === null).length;
    expect(answers(1, 10, 0)).toBe(3);
    expect(answers(1, 10, 500)).toBe(1);
    // The total budget (4 at once, 4/s) is nearly spent by host 1: another host gets what is left of it.
    expect(answers(2, 10, 500)).toBe(2);
    expect(l.stats()).toMatchObject({ answered: 6, suppressed: { perHost: 23, total: 1 }, hosts: 2 });
  });

  it('refuses oversized echo data and answers claim Pings once per period, outside the total', () => {
    const l = createPongLimiter({ totalPerS: 1, maxEchoBytes: 8, claimAnswerIntervalMs: 1000 });
    expect(l.refusal(5, 9, 0)).toBe('oversizeEcho');
    expect(l.refusal(5, 8, 0)).toBeNull();
    expect(l.refusal(6, 0, 0)).toBe('total');
    expect(l.refusal(0, 8, 0)).toBeNull();
    expect(l.refusal(0, 8, 999)).toBe('claim');
    expect(l.refusal(0, 8, 1000)).toBeNull();
  });

  it('bounds its host table and counts what it forgot', () => {
    const l = createPongLimiter({ maxHosts: 4, totalPerS: 1000 });
    for (let host = 1; host <= 10; host++) l.refusal(host, 0, 0);
    expect(l.stats()).toMatchObject({ hosts: 4, hostsEvicted: 6 });
  });
});
