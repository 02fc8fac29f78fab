import { describe, expect, it } from 'vitest';
import { tokenVerdict } from '../../../server/dashboard/web/token-verdict.js';

describe('tokenVerdict', () => {
  it('refuses a token the hub does not know, at once', () => {
    expect(tokenVerdict(401)).toEqual({ ok: false, text: 'wrong token: the hub does not accept it' });
  });

  it('takes a viewer token (403 on a control route) and the operator token (past authorization)', () => {
    expect(tokenVerdict(403)).toMatchObject({ ok: true, role: 'viewer' });
    expect(tokenVerdict(404)).toMatchObject({ ok: true, role: 'operator' });
    expect(tokenVerdict(400)).toMatchObject({ ok: true, role: 'operator' });
  });

  it('does not store a token it could not check', () => {
    expect(tokenVerdict(0).ok).toBe(false);
    expect(tokenVerdict(429).ok).toBe(false);
    expect(tokenVerdict(503).ok).toBe(false);
  });
});
