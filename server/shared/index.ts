// Small generic helpers every layer may import (like ../log.ts): no domain knowledge, no imports from the layers.

export { CLOSE_GRACE_MS } from './close-grace.js';
export {
  createRateLimiter,
  DEFAULT_RATE_LIMIT_OPTIONS,
  type RateDecision,
  type RateLimiter,
  type RateLimiterStats,
  type RateLimitOptions,
} from './create-rate-limiter.js';
