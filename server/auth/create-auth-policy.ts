import type { AuthDecision, Credential, RefusalReason, Role } from './roles.js';
import { tokensEqual } from './tokens-equal.js';

export interface AuthPolicyOptions {
  /** Required: control always needs a token (from HUB_OPERATOR_TOKEN or generated at first start). */
  operatorToken: string;
  /** When set, reading (HTTP reads, Socket.IO connections) needs this token or the operator's. */
  viewerToken?: string | null;
}

export interface AuthStats {
  /** Refusals by the role that was required, then by reason. */
  refusals: Record<Role, Record<RefusalReason, number>>;
  granted: Record<Role, number>;
}

/** The one authorization check. HTTP, Socket.IO connections and Socket.IO commands all ask it. */
export interface AuthPolicy {
  readonly viewerTokenRequired: boolean;
  check(required: Role, token: string | undefined): AuthDecision;
  /** What a token is, without counting anything (compare once, check many times with checkCredential). */
  resolve(token: string | undefined): Credential;
  /** check() for a credential resolved earlier; counts like check(). */
  checkCredential(required: Role, credential: Credential): AuthDecision;
  stats(): AuthStats;
}

const emptyReasons = (): Record<RefusalReason, number> => ({ missing_token: 0, bad_token: 0, wrong_role: 0 });

export function createAuthPolicy(options: AuthPolicyOptions): AuthPolicy {
  if (options.operatorToken.length === 0) throw new Error('operatorToken: must not be empty');
  const viewerToken = options.viewerToken ?? null;
  const refusals: AuthStats['refusals'] = { viewer: emptyReasons(), operator: emptyReasons() };
  const granted: AuthStats['granted'] = { viewer: 0, operator: 0 };

  /** Both comparisons always run, so the time taken does not tell which token (if any) matched. */
  function roleOf(token: string): Role | null {
    const operator = tokensEqual(token, options.operatorToken);
    const viewer = viewerToken !== null && tokensEqual(token, viewerToken);
    return operator ? 'operator' : viewer ? 'viewer' : null;
  }

  function refuse(required: Role, reason: RefusalReason): AuthDecision {
    refusals[required][reason]++;
    const what = required === 'operator' ? 'an operator token' : 'a viewer or operator token';
    if (reason === 'wrong_role') {
      return {
        ok: false,
        status: 403,
        code: 'FORBIDDEN',
        reason,
        message: `this action needs ${what}; the token given is a viewer token`,
      };
    }
    const problem = reason === 'missing_token' ? 'no token was given' : 'the token given is not valid';
    return {
      ok: false,
      status: 401,
      code: 'UNAUTHORIZED',
      reason,
      message: `this action needs ${what} (HTTP: Authorization: Bearer <token>; Socket.IO: auth.token); ${problem}`,
    };
  }

  function resolve(token: string | undefined): Credential {
    if (token === undefined || token.length === 0) return 'none';
    return roleOf(token) ?? 'bad';
  }

  function checkCredential(required: Role, credential: Credential): AuthDecision {
    const role = credential === 'none' || credential === 'bad' ? null : credential;
    if (required === 'viewer' && viewerToken === null) {
      granted.viewer++;
      return { ok: true, role: role ?? 'viewer' };
    }
    if (credential === 'none') return refuse(required, 'missing_token');
    if (role === null) return refuse(required, 'bad_token');
    if (required === 'operator' && role !== 'operator') return refuse(required, 'wrong_role');
    granted[required]++;
    return { ok: true, role };
  }

  return {
    viewerTokenRequired: viewerToken !== null,
    check: (required, token) => checkCredential(required, resolve(token)),
    resolve,
    checkCredential,
    stats: () => ({
      refusals: { viewer: { ...refusals.viewer }, operator: { ...refusals.operator } },
      granted: { ...granted },
    }),
  };
}
