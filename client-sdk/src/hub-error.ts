import type { AckError } from '@jetdrive-hub/client/contract';

/** A command the hub refused, or one that timed out ('TIMEOUT') or was cut by a disconnect ('DISCONNECTED'). */
export class HubError extends Error {
  readonly code: string;
  /** The payload field the hub named, when it named one. */
  readonly field: string | undefined;

  constructor(error: AckError) {
    super(error.message);
    this.name = 'HubError';
    this.code = error.code;
    this.field = error.field;
  }
}
