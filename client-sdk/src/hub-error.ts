import type { AckError } from './events.js';

/** A command the hub refused, or one that timed out ('TIMEOUT') or was cut by a disconnect ('DISCONNECTED'). */
export class HubError extends Error {
  readonly code: string;

  constructor(error: AckError) {
    super(error.message);
    this.name = 'HubError';
    this.code = error.code;
  }
}
