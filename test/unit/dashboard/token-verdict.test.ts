import { describe, expect, it } from 'vitest';
import { tokenVerdict } from '../../../server/dashboard/web/token-verdict.js';

describe('tokenVerdict', () => {
  it('refuses a token the hub does not know, at once', () => {
    expect(tokenVerdict(401)).toEqual({ ok: false, text: 'wrong token: the hub does not accept it' });
  });

  it('takes a viewer token and the operator token by the role whoami names, and guesses nothing else', () => {
    expect(tokenVerdict(200, 'viewer')).toMatchObject({ ok: true, role: 'viewer' });
    expect(tokenVerdict(200, 'operator')).toMatchObject({ ok: true, role: 'operator' });
    expect(tokenVerdict(200, 'none').ok).toBe(false);
    expect(tokenVerdict(404).ok).toBe(false);
    expect(tokenVerdict(403).ok).toBe(false);
  });

  it('does not store a token it could not check', () => {
    expect(tokenVerdict(0).ok).toBe(false);
    expect(tokenVerdict(429).ok).toBe(false);
    expect(tokenVerdict(503).ok).toBe(false);
  });
});
