// What a token is, asked of the hub before it is stored: an operator-only request that does nothing
// (stopping a session that does not exist) answers 401 for a token the hub does not know, 403 for a viewer token,
// and anything else (404) for the operator's.

export type TokenVerdict = { ok: true; role: 'operator' | 'viewer'; text: string } | { ok: false; text: string };

export const TOKEN_CHECK_PATH = '/api/jetdrive/virtual-tune/stop/token-check';

export function tokenVerdict(httpStatus: number): TokenVerdict {
  if (httpStatus === 0) return { ok: false, text: 'cannot check: the hub does not answer' };
  if (httpStatus === 401) return { ok: false, text: 'wrong token: the hub does not accept it' };
  if (httpStatus === 429) return { ok: false, text: 'too many attempts: wait a minute and try again' };
  if (httpStatus === 403) return { ok: true, role: 'viewer', text: 'viewer token: read only' };
  if (httpStatus >= 500) return { ok: false, text: `cannot check: the hub answered HTTP ${httpStatus}` };
  return { ok: true, role: 'operator', text: 'operator token' };
}

/** Asks the hub what `token` is. */
export async function checkToken(token: string): Promise<TokenVerdict> {
  try {
    const response = await fetch(TOKEN_CHECK_PATH, {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    });
    return tokenVerdict(response.status);
  } catch {
    return tokenVerdict(0);
  }
}
