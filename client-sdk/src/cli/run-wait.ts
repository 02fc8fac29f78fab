import type { UnitSystem } from '@jetdrive-hub/client/contract';
import { filter, firstValueFrom, map, TimeoutError, take, timeout } from 'rxjs';
import { HubError } from '../hub-error.js';
import type { Hub, HubSample } from '../hub-types.js';
import { parseSelector } from '../parse-selector.js';
import { show } from './display-units.js';
import type { Condition } from './parse-condition.js';

export type WaitOutcome = { code: 0; sample: HubSample } | { code: 1; message: string } | { code: 2; message: string };

/**
 * 0 when a sample of the selector satisfies the condition, 1 when `timeoutMs` passes first, 2 when the hub refuses.
 * The threshold is in `units` (the number the user reads on the dashboard); the sample is returned converted.
 */
export async function runWait(
  hub: Hub,
  condition: Condition,
  timeoutMs: number,
  units: UnitSystem,
): Promise<WaitOutcome> {
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
    if (error instanceof TimeoutError) {
      return {
        code: 1,
        message: `timeout: ${condition.selector} ${condition.operator} ${condition.threshold} did not hold within ${timeoutMs} ms`,
      };
    }
    if (error instanceof HubError) return { code: 2, message: `${error.code}: ${error.message}` };
    throw error;
  }
}
