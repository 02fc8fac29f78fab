export {
  attachSocketGuard,
  type ConnectionRefusal,
  handshakeToken,
  type SocketGuard,
  type SocketGuardOptions,
  type SocketGuardStats,
} from './attach-socket-guard.js';
export { bearerToken } from './bearer-token.js';
export { type AuthPolicy, type AuthPolicyOptions, type AuthStats, createAuthPolicy } from './create-auth-policy.js';
export {
  createRateLimiter,
  DEFAULT_RATE_LIMIT_OPTIONS,
  type RateDecision,
  type RateLimiter,
  type RateLimiterStats,
  type RateLimitOptions,
} from './create-rate-limiter.js';
export {
  generateToken,
  loadOperatorToken,
  OPERATOR_TOKEN_FILE,
  type OperatorToken,
  OperatorTokenError,
} from './load-operator-token.js';
export type { AuthDecision, AuthErrorCode, RefusalReason, Role } from './roles.js';
export { roleOfCommand, SOCKET_COMMAND_ROLES } from './socket-command-roles.js';
export { tokensEqual } from './tokens-equal.js';
