// The token bucket moved to ../shared/create-rate-limiter.ts (jetdrive uses it too). This re-export only serves
// guard-command-packets.ts and ../http/authorize.ts, which are being rewritten (issue 14 §1 onCommand, §3 one error
// path): when those land, they import from ../shared/ and this file goes.
export type { RateLimiter } from '../shared/create-rate-limiter.js';
