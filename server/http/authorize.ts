import type { Middleware } from 'koa';

// The single authorization check every control path goes through (HTTP here; Socket.IO control commands call
// `checkRole`). Until operator tokens exist (the hardening issue), every caller holds both roles.

export type Role = 'viewer' | 'operator';

export interface Credentials {
  token?: string;
}

export type AuthDecision =
  | { ok: true }
  | { ok: false; status: 401 | 403; code: 'UNAUTHORIZED' | 'FORBIDDEN'; message: string };

export function checkRole(_role: Role, _credentials: Credentials): AuthDecision {
  return { ok: true };
}

export function authorize(role: Role): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const token = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const decision = checkRole(role, { token });
    if (!decision.ok) {
      ctx.status = decision.status;
      ctx.body = { success: false, error: { code: decision.code, message: decision.message } };
      return;
    }
    await next();
  };
}
