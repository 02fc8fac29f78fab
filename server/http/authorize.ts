import type { Context, Middleware } from 'koa';
import { bearerToken } from '../auth/bearer-token.js';
import type { AuthPolicy } from '../auth/create-auth-policy.js';
import type { RateLimiter } from '../auth/create-rate-limiter.js';
import type { Role } from '../auth/roles.js';

// HTTP's side of the one authorization check, applied once to the whole app (before routing) rather than route by
// route: a method that changes something (anything but GET/HEAD/OPTIONS) needs the operator role, so a control
// route added later is operator-only unless someone deliberately makes it a read. Reads need the viewer role,
// which the policy grants to everyone unless HUB_VIEWER_TOKEN is set. Control requests are rate limited per client
// address before the token is even looked at, and failed reads spend from the same budget, so guessing a token is
// no faster than the control rate.

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

function rateLimited(ctx: Context, ip: string, retryAfterS: number, what: string): void {
  ctx.status = 429;
  ctx.set('Retry-After', String(retryAfterS));
  ctx.body = {
    success: false,
    error: {
      code: 'RATE_LIMITED',
      message: `too many ${what} from ${ip}; retry in ${retryAfterS} s`,
      details: { retry_after_s: retryAfterS },
    },
  };
}

export function authorizeRequests(options: AuthorizeOptions): Middleware {
  const isPublic = options.isPublic ?? defaultPublicPaths;
  const { policy, limiter } = options;
  return async (ctx, next) => {
    const role = roleOfRequest(ctx.method, ctx.path, isPublic);
    if (role === null) return next();
    if (role === 'operator') {
      const rate = limiter.take(ctx.ip);
      if (!rate.ok) return rateLimited(ctx, ctx.ip, rate.retryAfterS, 'control requests');
    } else if (policy.viewerTokenRequired) {
      // An address that spent its budget on failed tokens gets no more guesses until it refills.
      const rate = limiter.peek(ctx.ip);
      if (!rate.ok) return rateLimited(ctx, ctx.ip, rate.retryAfterS, 'failed authentications');
    }
    const decision = policy.check(role, bearerToken(ctx.get('authorization') || undefined));
    if (!decision.ok) {
      // A failed read costs from the budget too (a failed control request already paid above).
      if (role === 'viewer') limiter.take(ctx.ip);
      ctx.status = decision.status;
      if (decision.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="jetdrive-hub"');
      ctx.body = { success: false, error: { code: decision.code, message: decision.message } };
      return;
    }
    await next();
  };
}
