import type { AuthDecision } from './roles.js';

// Control budgets are per identity: an operator-token holder spends from its own bucket, everyone else from the
// bucket of their address (failed authentications included). So a viewer or a guesser on the same address — the
// same NAT, the same PC — can exhaust only its own budget, never the operator's.

export type BudgetIdentity = 'operator' | 'anonymous';

export function identityOf(decision: AuthDecision): BudgetIdentity {
  return decision.ok && decision.role === 'operator' ? 'operator' : 'anonymous';
}

/** The rate limiter key of an identity at an address (from clientAddress()). */
export function budgetKey(identity: BudgetIdentity, address: string): string {
  return identity === 'operator' ? `operator@${address}` : address;
}
