// What a token is, asked of the hub before it is stored: GET /api/auth/whoami answers the role of a token it knows
// and 401 for one it does not (counted against the address's failed-authentication budget: 429 when spent).

export type TokenVerdict = { ok: true; role: 'operator' | 'viewer'; text: string } | { ok: false; text: string };

export const TOKEN_CHECK_PATH = '/api/auth/whoami';

/** The verdict from the answer's HTTP status and, on 200, the role it names. */
export function tokenVerdict(httpStatus: number, role: unknown = null): TokenVerdict {
  if (httpStatus === 0) return { ok: false, text: 'cannot check: the hub does not answer' };
  if (httpStatus === 401) return { ok: false, text: 'wrong token: the hub does not accept it' };
  if (httpStatus === 429) return { ok: false, text: 'too many attempts: wait a minute and try again' };
  if (httpStatus !== 200) return { ok: false, text: `cannot check: the hub answered HTTP ${httpStatus}` };
  if (role === 'operator') return { ok: true, role: 'operator', text: 'operator token' };
  if (role === 'viewer') return { ok: true, role: 'viewer', text: 'viewer token: read only' };
  return { ok: false, text: 'cannot check: the hub did not say what the token is' };
}

/** Asks the hub what `token` is. */
export async function checkToken(token: string): Promise<TokenVerdict> {
  try {
    const response = await fetch(TOKEN_CHECK_PATH, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    });
    const body: unknown = response.ok ? await response.json() : null;
    const role = body !== null && typeof body === 'object' && 'role' in body ? body.role : null;
    return tokenVerdict(response.status, role);
  } catch {
    return tokenVerdict(0);
  }
}
