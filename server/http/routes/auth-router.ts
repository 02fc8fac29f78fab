import Router from '@koa/router';
import { clientAddress } from '../../auth/client-address.js';
import type { AuthPolicy } from '../../auth/create-auth-policy.js';
import type { RateLimiter } from '../../shared/create-rate-limiter.js';
import { decideHeader, enforce } from '../authorize.js';
import { readAuthorization } from '../read-authorization.js';
import { route } from '../route.js';

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
  router.get(
    '/whoami',
    route({}, (ctx) => {
      const header = readAuthorization(ctx.get('authorization') || undefined);
      const credential =
        header.kind === 'bearer' ? deps.policy.resolve(header.token) : header.kind === 'none' ? 'none' : 'bad';
      // A token that matches nothing, or a header that is no Bearer token, is a failed authentication: counted,
      // budgeted and refused like anywhere else.
      if (credential === 'bad') {
        enforce(decideHeader(deps.policy, 'operator', header), false, clientAddress(ctx.ip), deps.limiter);
      }
      ctx.body = { success: true, role: credential, viewer_token_required: deps.policy.viewerTokenRequired };
    }),
  );
  return router;
}
