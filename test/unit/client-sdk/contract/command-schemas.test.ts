import { describe, expect, it } from 'vitest';
import { createSubscribeSchema, describeZodError } from '@jetdrive-hub/client/contract';
import { DEFAULT_REALTIME_OPTIONS } from '../../../../server/realtime/options.js';

const schema = createSubscribeSchema(DEFAULT_REALTIME_OPTIONS);

function errorOf(payload: unknown): string {
  const parsed = schema.safeParse(payload);
  if (parsed.success) throw new Error('expected a validation error');
  return describeZodError(parsed.error).message;
}

describe('subscribe payload validation', () => {
  it('accepts every selector form with options', () => {
    const payload = {
      selectors: [
        'TPS',
        { glob: '*RPM*' },
        { quantity: 'rpm' },
        { provider: 17405 },
        { provider: 'Probe' },
        { key: '1:2' },
      ],
      maxHz: 10,
      envelope: true,
      backfill: 30,
    };
    expect(schema.parse(payload)).toEqual(payload);
  });

  it('names the field and the limit when a payload is wrong', () => {
    expect(errorOf({ selectors: [] })).toBe('selectors: must not be empty');
    expect(errorOf({ selectors: ['x'], maxHz: 1_001 })).toBe('maxHz: must be <= 1000');
    expect(errorOf({ selectors: ['x'], maxHz: 0 })).toMatch(/^maxHz: /);
    expect(errorOf({ selectors: ['x'], maxHz: 1_001 })).toMatch(/^maxHz: .*1000/);
    expect(errorOf({ selectors: ['x'], backfill: 121 })).toMatch(/^backfill: .*120/);
    // Provider ids reach 24 bits (a replay's slot above the 16-bit host id), no further.
    expect(errorOf({ selectors: [{ provider: 0x100_0000 }] })).toMatch(/^selectors\.0/);
    expect(errorOf({ selectors: ['x'], extra: 1 })).toMatch(/extra/);
    expect(errorOf({ selectors: ['x'.repeat(201)] })).toMatch(/^selectors\.0: .*200/);
    expect(errorOf('TPS')).toMatch(/^payload: /);
  });
});
