import { bearerToken } from '../auth/bearer-token.js';

/** What an Authorization header carries: no header, a Bearer token, or a header in another form (and what is wrong). */
export type AuthorizationHeader =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'malformed'; problem: string };

const HOW = 'send "Authorization: Bearer <token>"';

/** Schemes named back to the client; any other first word might be part of a secret and is not repeated. */
const KNOWN_SCHEMES = /^(basic|digest|token|negotiate|ntlm|apikey|api-key|jwt|hoba|mutual|aws4-hmac-sha256)$/i;

/**
 * Reads an Authorization header without ever echoing it (it may be a token). A token pasted without its `Bearer `
 * prefix used to count as "no token was given", which sent people looking for the wrong mistake.
 */
export function readAuthorization(header: string | undefined): AuthorizationHeader {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const token = bearerToken(header);
  if (token !== undefined) return { kind: 'bearer', token };
  const words = header.trim().split(/\s+/);
  if (/^bearer$/i.test(words[0] ?? '')) {
    return { kind: 'malformed', problem: `the Authorization header has "Bearer" but no single token after it; ${HOW}` };
  }
  if (words.length > 1 && KNOWN_SCHEMES.test(words[0] ?? '')) {
    return {
      kind: 'malformed',
      problem: `the Authorization header uses the "${words[0]}" scheme; the hub takes only Bearer tokens: ${HOW}`,
    };
  }
  return { kind: 'malformed', problem: `the Authorization header has no "Bearer " prefix; ${HOW}` };
}
