import type { IterationResult, SessionEvent, SessionStartInput, SessionStatus } from '@jetdrive-hub/client/contract';

/** Everything a snapshot, summary or result is built from. Small and immutable: it outlives the VE tables. */
export interface SessionState {
  readonly sessionId: string;
  readonly config: Required<SessionStartInput> | null;
  readonly status: SessionStatus;
  readonly currentIteration: number;
  readonly progressPct: number;
  readonly progressMessage: string;
  readonly iterations: readonly IterationResult[];
  readonly initialVeErrorPct: number | null;
  /** Epoch ms of the created / terminal events. */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly errorMessage: string | null;
  /** seq of the last event folded in; -1 before any. */
  readonly seq: number;
}

export const TERMINAL_STATUSES: ReadonlySet<SessionStatus> = new Set([
  'converged',
  'failed',
  'stopped',
  'max_iterations',
]);

export function isTerminal(status: SessionStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function initialSessionState(sessionId: string): SessionState {
  return {
    sessionId,
    config: null,
    status: 'initializing',
    currentIteration: 0,
    progressPct: 0,
    progressMessage: '',
    iterations: [],
    initialVeErrorPct: null,
    startedAt: null,
    endedAt: null,
    errorMessage: null,
    seq: -1,
  };
}

/**
 * The pure reducer behind `scan`: the snapshot is whatever the events say, nothing else. Once a terminal event has
 * been folded in, later events (and a second terminal) change nothing; so do events of another session or replayed
 * (seq not increasing).
 */
export function reduceSession(state: SessionState, event: SessionEvent): SessionState {
  if (event.sessionId !== state.sessionId || event.seq <= state.seq || isTerminal(state.status)) return state;
  const base = { ...state, seq: event.seq };
  switch (event.type) {
    case 'created':
      return {
        ...base,
        config: event.config,
        status: 'initializing',
        startedAt: event.at,
        progressMessage: 'Session created',
      };
    case 'running':
      return { ...base, status: 'running', initialVeErrorPct: event.initial_ve_error_pct };
    case 'progress':
      return { ...base, currentIteration: event.iteration, progressPct: event.pct, progressMessage: event.message };
    case 'iteration':
      return { ...base, currentIteration: event.result.iteration, iterations: [...state.iterations, event.result] };
    case 'terminal':
      return {
        ...base,
        status: event.status,
        endedAt: event.at,
        errorMessage: event.status === 'failed' ? event.message : null,
        progressMessage: event.message ?? base.progressMessage,
      };
  }
}
