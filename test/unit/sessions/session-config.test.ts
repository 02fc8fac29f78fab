import { describe, expect, it } from 'vitest';
import { parseSessionConfig } from '../../../server/sessions/session-config.js';
import { SessionError } from '../../../server/sessions/session-error.js';

function failure(input: unknown): SessionError {
  try {
    parseSessionConfig(input);
  } catch (err) {
    if (err instanceof SessionError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('parseSessionConfig', () => {
  it('fills the older defaults for a missing body', () => {
    expect(parseSessionConfig(undefined)).toEqual({
      engine_profile: 'm8_114',
      base_ve_scenario: 'lean',
      base_ve_error_pct: -10,
      base_ve_error_std: 5,
      max_iterations: 10,
      convergence_threshold_afr: 0.3,
      convergence_cell_pct: 90,
      max_correction_per_iteration_pct: 15,
      oscillation_detection_enabled: true,
      barometric_pressure_inhg: 29.92,
      ambient_temp_f: 75,
      seed: 42,
    });
  });

  it.each([
    [{ engine_profile: 'm8_999' }, 'engine_profile'],
    [{ base_ve_scenario: 'very_lean' }, 'base_ve_scenario'],
    [{ max_iterations: 0 }, 'max_iterations'],
    [{ max_iterations: 2.5 }, 'max_iterations'],
    [{ convergence_threshold_afr: 0 }, 'convergence_threshold_afr'],
    [{ convergence_cell_pct: 101 }, 'convergence_cell_pct'],
    [{ max_correction_per_iteration_pct: '15' }, 'max_correction_per_iteration_pct'],
    [{ oscillation_detection_enabled: 'yes' }, 'oscillation_detection_enabled'],
    [{ barometric_pressure_inhg: 40 }, 'barometric_pressure_inhg'],
    [{ seed: -1 }, 'seed'],
    ['lean', '(body)'],
    [{ max_iteration: 3 }, 'max_iteration'],
    [{ max_iterations: 3, turbo: true }, 'turbo'],
    [JSON.parse('{"__proto__": {"max_iterations": 1}}'), '__proto__'],
  ])('%j is a VALIDATION_FAILED naming %s', (input, field) => {
    const err = failure(input);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message.startsWith(`${field}: `)).toBe(true);
    expect(err.details).toMatchObject({ field });
  });

  it('names every unknown field and lists the known ones', () => {
    const err = failure({ turbo: 1, nitrous: 2, seed: 7 });
    expect(err.message).toMatch(/^turbo: unknown field; the fields are engine_profile, .*, seed \(and 1 more\)$/);
    expect(err.details).toMatchObject({ issues: [{ field: 'turbo' }, { field: 'nitrous' }] });
  });
});
