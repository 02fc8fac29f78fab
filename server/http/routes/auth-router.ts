import Router from '@koa/router';
import { bearerToken } from '../../auth/bearer-token.js';
import { clientAddress } from '../../auth/client-address.js';
import type { AuthPolicy } from '../../auth/create-auth-policy.js';
import type { RateLimiter } from '../../shared/create-rate-limiter.js';
import { enforce } from '../authorize.js';

export interface AuthRouterDeps {
  policy: AuthPolicy;
  limiter: RateLimiter;
}

/**
 * GET /api/auth/whoami: what the request's token is (`operator`, `viewer`, or `none` without one), so a page or a
 * script can check a token before keeping it. A token the hub does not know is 401 and spends from the address's
 * failed-authentication budget like any other refusal, so the route is no cheaper oracle for guessing.
 */
export function createAuthRouter(deps: AuthRouterDeps): Router {
  const router = new Router({ prefix: '/api/auth' });
  router.get('/whoami', (ctx) => {
    const credential = deps.policy.resolve(bearerToken(ctx.get('authorization') || undefined));
    // A token that matches nothing is a failed authentication: counted, budgeted and refused like anywhere else.
    if (credential === 'bad') {
      enforce(deps.policy.checkCredential('operator', credential), false, clientAddress(ctx.ip), deps.limiter);
    }
    ctx.body = { success: true, role: credential, viewer_token_required: deps.policy.viewerTokenRequired };
  });
  return router;
}
