// Two roles: anyone who may read (viewer) and whoever may change things (operator). An operator can also read.

export type Role = 'viewer' | 'operator';

/** What a token turned out to be, resolved once (at the Socket.IO handshake): none, not valid, or a role. */
export type Credential = 'none' | 'bad' | Role;

export type AuthErrorCode = 'UNAUTHORIZED' | 'FORBIDDEN';

/** Why a request was refused: no token, a token that matches nothing, or a valid token of the wrong role. */
export type RefusalReason = 'missing_token' | 'bad_token' | 'wrong_role';

export type AuthDecision =
  | { ok: true; role: Role }
  | { ok: false; status: 401 | 403; code: AuthErrorCode; reason: RefusalReason; message: string };
