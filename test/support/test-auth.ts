import { createAuthPolicy } from '../../server/auth/create-auth-policy.js';
import type { HttpAuth } from '../../server/http/types.js';
import { createRateLimiter } from '../../server/shared/create-rate-limiter.js';

// Tests of other HTTP concerns run with a known operator token and a limiter loose enough never to interfere.

export const TEST_OPERATOR_TOKEN = 'test-operator-token-0123456789';
export const TEST_VIEWER_TOKEN = 'test-viewer-token-0123456789';

export const OPERATOR_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  authorization: `Bearer ${TEST_OPERATOR_TOKEN}`,
});

export function testAuth(options: { viewerToken?: string | null; ratePerMin?: number; burst?: number } = {}): HttpAuth {
  return {
    policy: createAuthPolicy({ operatorToken: TEST_OPERATOR_TOKEN, viewerToken: options.viewerToken ?? null }),
    limiter: createRateLimiter({ ratePerMin: options.ratePerMin ?? 1_000_000, burst: options.burst ?? 1_000_000 }),
  };
}
