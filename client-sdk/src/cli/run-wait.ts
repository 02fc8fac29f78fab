import type { UnitSystem } from '@jetdrive-hub/client/contract';
import { filter, firstValueFrom, map, TimeoutError, take, timeout } from 'rxjs';
import { type ConnectionFailure, HubError } from '../hub-error.js';
import type { Hub, HubSample } from '../hub-types.js';
import { parseSelector } from '../parse-selector.js';
import { show } from './display-units.js';
import type { Condition } from './parse-condition.js';

export type WaitOutcome =
  | { code: 0; sample: HubSample }
  | { code: 1; message: string }
  | { code: 2; message: string }
  | { code: 3; message: string };

/**
 * 0 when a sample of the selector satisfies the condition, 1 when `timeoutMs` passes first, 2 when the hub refuses,
 * 3 when the timeout passes while the hub is gone (the condition could not be watched: not the same as "did not
 * hold"; the SDK reconnects meanwhile, so a hub back in time lets the wait go on). The threshold is in `units` (the
 * number the user reads on the dashboard); the sample is returned converted.
 */
export async function runWait(
  hub: Hub,
  condition: Condition,
  timeoutMs: number,
  units: UnitSystem,
): Promise<WaitOutcome> {
  // Why the connection went (the first reason) and why it has not come back (the last failed attempt).
  let lost: { reason: string; failure?: ConnectionFailure } | null = null;
  const watching = hub.connection$.subscribe((state) => {
    if (state.state === 'disconnected') lost = { reason: lost?.reason ?? state.reason, failure: state.failure };
    else if (state.state !== 'connecting') lost = null;
  });
  try {
    const sample = await firstValueFrom(
      hub.channel$(parseSelector(condition.selector)).pipe(
        map((candidate) => {
          const { value, unit } = show(candidate, candidate.value, units);
          return { ...candidate, value, unit };
        }),
        filter((candidate) => condition.test(candidate.value)),
        take(1),
        timeout({ first: timeoutMs }),
      ),
    );
    return { code: 0, sample };
  } catch (error) {
    if (error instanceof TimeoutError && lost !== null) {
      const { reason, failure } = lost as { reason: string; failure?: ConnectionFailure };
      return {
        code: 3,
        message:
          `lost the connection to the hub (${reason}) and it was not back within ${timeoutMs} ms, so ` +
          `${condition.selector} ${condition.operator} ${condition.threshold} could not be checked` +
          (failure ? `; ${failure.message}; ${failure.hint}` : ''),
      };
    }
    if (error instanceof TimeoutError) {
      return {
        code: 1,
        message: `timeout: ${condition.selector} ${condition.operator} ${condition.threshold} did not hold within ${timeoutMs} ms`,
      };
    }
    if (error instanceof HubError) return { code: 2, message: `${error.code}: ${error.message}` };
    throw error;
  } finally {
    watching.unsubscribe();
  }
}
