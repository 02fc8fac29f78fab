import { describe, expect, it } from 'vitest';
import type { IterationResult, SessionEvent, SessionEventBody } from '@jetdrive-hub/client/contract';
import { parseSessionConfig } from '../../../server/sessions/session-config.js';
import { initialSessionState, reduceSession, type SessionState } from '../../../server/sessions/session-state.js';
import { iterationResult } from '../../support/iteration-result.js';

const ID = 'tune_1_1000';
const config = parseSessionConfig({});
const result = (iteration: number): IterationResult =>
  iterationResult(iteration, {
    timestamp: new Date(iteration * 1000).toISOString(),
    max_afr_error: 1 / iteration,
    mean_afr_error: 0.5 / iteration,
    rms_afr_error: 0.6 / iteration,
  });

function fold(bodies: SessionEventBody[], sessionId = ID): SessionState {
  const events: SessionEvent[] = bodies.map((b, seq) => ({ ...b, sessionId, seq, at: 1000 + seq * 10 }));
  return events.reduce(reduceSession, initialSessionState(ID));
}

const created: SessionEventBody = { type: 'created', config };
const running: SessionEventBody = { type: 'running', initial_ve_error_pct: -9.5 };

describe('reduceSession', () => {
  it.each<[string, SessionEventBody[], Partial<SessionState>]>([
    ['nothing yet', [], { status: 'initializing', startedAt: null, seq: -1 }],
    ['created', [created], { status: 'initializing', startedAt: 1000, config, progressMessage: 'Session created' }],
    ['running', [created, running], { status: 'running', initialVeErrorPct: -9.5, seq: 1 }],
    [
      'progress',
      [created, running, { type: 'progress', iteration: 2, pct: 40, message: 'Pull 3/5 at 60% TPS' }],
      { currentIteration: 2, progressPct: 40, progressMessage: 'Pull 3/5 at 60% TPS' },
    ],
    [
      'iterations append in order',
      [created, running, { type: 'iteration', result: result(1) }, { type: 'iteration', result: result(2) }],
      { currentIteration: 2, iterations: [result(1), result(2)] },
    ],
    [
      'converged',
      [created, running, { type: 'terminal', status: 'converged', message: null }],
      { status: 'converged', endedAt: 1020, errorMessage: null },
    ],
    [
      'failed keeps its message',
      [created, running, { type: 'terminal', status: 'failed', message: 'Oscillation detected' }],
      { status: 'failed', errorMessage: 'Oscillation detected', progressMessage: 'Oscillation detected' },
    ],
    [
      'stopped is not an error',
      [created, running, { type: 'terminal', status: 'stopped', message: 'Stopped by request' }],
      { status: 'stopped', errorMessage: null, endedAt: 1020 },
    ],
    [
      'a second terminal changes nothing',
      [
        created,
        running,
        { type: 'terminal', status: 'stopped', message: null },
        { type: 'terminal', status: 'converged', message: null },
      ],
      { status: 'stopped', endedAt: 1020, seq: 2 },
    ],
    [
      'events after the terminal change nothing',
      [
        created,
        running,
        { type: 'terminal', status: 'max_iterations', message: null },
        { type: 'iteration', result: result(1) },
        { type: 'progress', iteration: 9, pct: 50, message: 'late' },
      ],
      { status: 'max_iterations', iterations: [], currentIteration: 0 },
    ],
  ])('%s', (_name, bodies, expected) => {
    expect(fold(bodies)).toMatchObject(expected);
  });

  it('ignores another session’s events and replayed sequence numbers', () => {
    expect(fold([created, running], 'tune_other')).toEqual(initialSessionState(ID));
    const s1 = fold([created, running]);
    const replay: SessionEvent = { type: 'terminal', status: 'converged', message: null, sessionId: ID, seq: 1, at: 5 };
    expect(reduceSession(s1, replay)).toBe(s1);
  });

  it('never mutates the previous state', () => {
    const s1 = fold([created, running, { type: 'iteration', result: result(1) }]);
    const frozen = JSON.stringify(s1);
    reduceSession(s1, { type: 'iteration', result: result(2), sessionId: ID, seq: 3, at: 2000 });
    expect(JSON.stringify(s1)).toBe(frozen);
  });
});
