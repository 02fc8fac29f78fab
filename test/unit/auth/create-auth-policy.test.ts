import { describe, expect, it } from 'vitest';
import { createAuthPolicy } from '../../../server/auth/create-auth-policy.js';

const OPERATOR = 'operator-token-abcdefgh';
const VIEWER = 'viewer-token-abcdefgh';

describe('createAuthPolicy', () => {
  it('with open reading: anyone reads, only the operator token controls', () => {
    const policy = createAuthPolicy({ operatorToken: OPERATOR });
    expect(policy.viewerTokenRequired).toBe(false);
    expect(policy.check('viewer', undefined)).toEqual({ ok: true, role: 'viewer' });
    expect(policy.check('viewer', 'nonsense')).toEqual({ ok: true, role: 'viewer' });
    expect(policy.check('operator', OPERATOR)).toEqual({ ok: true, role: 'operator' });
    expect(policy.check('operator', undefined)).toMatchObject({
      ok: false,
      status: 401,
      code: 'UNAUTHORIZED',
      reason: 'missing_token',
    });
    expect(policy.check('operator', '')).toMatchObject({ ok: false, status: 401, reason: 'missing_token' });
    expect(policy.check('operator', `${OPERATOR}x`)).toMatchObject({ ok: false, status: 401, reason: 'bad_token' });
    expect(policy.check('operator', OPERATOR.slice(0, -1))).toMatchObject({
      ok: false,
      status: 401,
      reason: 'bad_token',
    });
  });

  it('with a viewer token: reading needs it (or the operator token), control refuses it with 403', () => {
    const policy = createAuthPolicy({ operatorToken: OPERATOR, viewerToken: VIEWER });
    expect(policy.viewerTokenRequired).toBe(true);
    expect(policy.check('viewer', VIEWER)).toEqual({ ok: true, role: 'viewer' });
    expect(policy.check('viewer', OPERATOR)).toEqual({ ok: true, role: 'operator' });
    expect(policy.check('viewer', undefined)).toMatchObject({ ok: false, status: 401, reason: 'missing_token' });
    expect(policy.check('viewer', 'guess-guess-guess')).toMatchObject({ ok: false, status: 401, reason: 'bad_token' });
    const forbidden = policy.check('operator', VIEWER);
    expect(forbidden).toMatchObject({ ok: false, status: 403, code: 'FORBIDDEN', reason: 'wrong_role' });
    expect(forbidden.ok ? '' : forbidden.message).toMatch(/operator token/);
  });

  it('counts refusals by required role and reason, and grants by role', () => {
    const policy = createAuthPolicy({ operatorToken: OPERATOR, viewerToken: VIEWER });
    policy.check('operator', undefined);
    policy.check('operator', VIEWER);
    policy.check('operator', VIEWER);
    policy.check('viewer', 'wrong-wrong-wrong');
    policy.check('viewer', VIEWER);
    policy.check('operator', OPERATOR);
    expect(policy.stats()).toEqual({
      refusals: {
        operator: { missing_token: 1, bad_token: 0, wrong_role: 2 },
        viewer: { missing_token: 0, bad_token: 1, wrong_role: 0 },
      },
      granted: { viewer: 1, operator: 1 },
    });
  });

  it('refuses an empty operator token', () => {
    expect(() => createAuthPolicy({ operatorToken: '' })).toThrow(/operatorToken/);
  });
});
