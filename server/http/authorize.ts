import type { Middleware } from 'koa';
import { clientAddress } from '../auth/client-address.js';
import { budgetKey, identityOf } from '../auth/control-budget.js';
import type { AuthPolicy } from '../auth/create-auth-policy.js';
import type { AuthDecision, Role } from '../auth/roles.js';
import type { RateLimiter } from '../shared/create-rate-limiter.js';
import { HttpError } from './http-error.js';
import { type AuthorizationHeader, readAuthorization } from './read-authorization.js';

// HTTP's side of the one authorization check, applied once to the whole app (before routing) rather than route by
// route: a method that changes something (anything but GET/HEAD/OPTIONS) needs the operator role, so a control
// route added later is operator-only unless someone deliberately makes it a read. Reads need the viewer role,
// which the policy grants to everyone unless HUB_VIEWER_TOKEN is set. Control requests are rate limited per client
// identity (see auth/control-budget.ts), and failed reads spend from the anonymous budget of their address, so
// guessing a token is no faster than the control rate and a viewer cannot spend the operator's budget.

export type { AuthDecision, Role } from '../auth/roles.js';

export interface AuthorizeOptions {
  policy: AuthPolicy;
  limiter: RateLimiter;
  /** Paths anyone may GET even when reading needs a token (liveness probes, the page shell and its assets). */
  isPublic?: (path: string) => boolean;
  /**
   * Whether a route answers this method on this path. A request no route answers is 404 (or 405 with Allow) whatever
   * the token: there is nothing to protect, and a 401 there sent people hunting for a token problem they did not have.
   */
  serves?: (method: string, path: string) => boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** /health and /ready for probes; / and /dashboard/* are the page and its bundle, which carry no data. */
export function defaultPublicPaths(path: string): boolean {
  return path === '/health' || path === '/ready' || path === '/' || path.startsWith('/dashboard/');
}

/** The role a request needs, or null for none (CORS preflight, public paths). */
export function roleOfRequest(method: string, path: string, isPublic: (path: string) => boolean): Role | null {
  if (method === 'OPTIONS') return null;
  if (READ_METHODS.has(method)) return isPublic(path) ? null : 'viewer';
  return 'operator';
}

function rateLimited(ip: string, retryAfterS: number, what: string): HttpError {
  return new HttpError('RATE_LIMITED', `too many ${what} from ${ip}; retry in ${retryAfterS} s`, {
    details: { retry_after_s: retryAfterS },
    headers: { 'Retry-After': String(retryAfterS) },
  });
}

function refused(decision: Extract<AuthDecision, { ok: false }>): HttpError {
  return new HttpError(decision.code, decision.message, {
    headers: decision.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="jetdrive-hub"' } : {},
  });
}

/**
 * The policy's decision for a request's Authorization header. A header that is not `Bearer <token>` counts as a bad
 * token (counted and budgeted like one) and the refusal says what is wrong with the header; where no token is
 * needed it does not matter.
 */
export function decideHeader(policy: AuthPolicy, role: Role, header: AuthorizationHeader): AuthDecision {
  if (header.kind !== 'malformed') return policy.check(role, header.kind === 'bearer' ? header.token : undefined);
  const decision = policy.checkCredential(role, 'bad');
  if (decision.ok || decision.reason !== 'bad_token') return decision;
  const what = role === 'operator' ? 'an operator token' : 'a viewer or operator token';
  return { ...decision, message: `${header.problem} (this action needs ${what})` };
}

export function authorizeRequests(options: AuthorizeOptions): Middleware {
  const isPublic = options.isPublic ?? defaultPublicPaths;
  const { policy, limiter, serves } = options;
  return async (ctx, next) => {
    const role = roleOfRequest(ctx.method, ctx.path, isPublic);
    if (role === null || (serves && !serves(ctx.method, ctx.path))) return next();
    const decision = decideHeader(policy, role, readAuthorization(ctx.get('authorization') || undefined));
    enforce(decision, role === 'operator', clientAddress(ctx.ip), limiter);
    await next();
  };
}

/**
 * Every control request spends its identity's budget (the operator's own, or the address's anonymous one), and so
 * does every failed authentication: guessing a token is no faster than the control rate, and costs the guesser only.
 * Throws 429 when the budget is spent, else the refusal (401/403) of a refused decision.
 */
export function enforce(decision: AuthDecision, control: boolean, address: string, limiter: RateLimiter): void {
  if (control || !decision.ok) {
    const rate = limiter.take(budgetKey(identityOf(decision), address));
    const what = control ? 'control requests' : 'failed authentications';
    if (!rate.ok) throw rateLimited(address, rate.retryAfterS, what);
  }
  if (!decision.ok) throw refused(decision);
}
