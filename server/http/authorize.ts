import type { Middleware } from 'koa';
import { bearerToken } from '../auth/bearer-token.js';
import { clientAddress } from '../auth/client-address.js';
import { budgetKey, identityOf } from '../auth/control-budget.js';
import type { AuthPolicy } from '../auth/create-auth-policy.js';
import type { AuthDecision, Role } from '../auth/roles.js';
import type { RateLimiter } from '../shared/create-rate-limiter.js';
import { HttpError } from './http-error.js';

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

export function authorizeRequests(options: AuthorizeOptions): Middleware {
  const isPublic = options.isPublic ?? defaultPublicPaths;
  const { policy, limiter } = options;
  return async (ctx, next) => {
    const role = roleOfRequest(ctx.method, ctx.path, isPublic);
    if (role === null) return next();
    const decision = policy.check(role, bearerToken(ctx.get('authorization') || undefined));
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
