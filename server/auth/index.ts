export { bearerToken } from './bearer-token.js';
export { clientAddress } from './client-address.js';
export { type ConnectionSlotLimits, ConnectionSlots } from './connection-slots.js';
export { type BudgetIdentity, budgetKey, identityOf } from './control-budget.js';
export { type AuthPolicy, type AuthPolicyOptions, type AuthStats, createAuthPolicy } from './create-auth-policy.js';
export {
  type ConnectionRefusal,
  createSocketGuard,
  type SocketGuard,
  type SocketGuardOptions,
  type SocketGuardStats,
} from './create-socket-guard.js';
export { type CommandRefusal, guardCommandPackets } from './guard-command-packets.js';
export { HandshakeGate, type HandshakeGateStats } from './handshake-gate.js';
export { handshakeToken } from './handshake-token.js';
export {
  generateToken,
  loadOperatorToken,
  OPERATOR_TOKEN_FILE,
  type OperatorToken,
  OperatorTokenError,
} from './load-operator-token.js';
export type { AuthDecision, AuthErrorCode, Credential, RefusalReason, Role } from './roles.js';
export { isSocketCommand, roleOfCommand, SOCKET_COMMAND_ROLES } from './socket-command-roles.js';
export type { HubServer, HubSocket, HubSocketData } from './socket-data.js';
export { tokensEqual } from './tokens-equal.js';
