import { HubError } from '../hub-error.js';

/** The CLI's exit codes; `--help` lists them. */
export const EXIT = {
  /** Done: the condition held, the session converged, the command finished. */
  OK: 0,
  /** The condition did not hold within the timeout; the session did not converge. */
  NOT_MET: 1,
  /** Bad input: an unknown or invalid option, a malformed condition or selector, one that matches nothing. */
  USAGE: 2,
  /** The hub cannot be reached (refused, host not found, TLS, wrong parser, not a hub, no answer). */
  UNREACHABLE: 3,
  /** The hub needs a (different) token: unauthorized, or a viewer token where the operator's is needed. */
  UNAUTHORIZED: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  done (the condition held, the session converged)
  1  condition not met within --timeout; session did not converge
  2  bad input: unknown or invalid option, malformed condition, a selector that matches no channel
  3  hub unreachable: connection refused, host not found, TLS error, wrong --parser, no answer,
     or lost during wait and not back by --timeout
  4  unauthorized: set JETDRIVE_HUB_TOKEN (tune needs the operator token)`;

const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'UNREACHABLE',
  'HOST_NOT_FOUND',
  'TLS_ERROR',
  'NOT_A_HUB',
  'WRONG_PARSER',
  'REFUSED',
  'TIMEOUT',
  'DISCONNECTED',
]);

/** The exit code for an error: connection failures and refusals by code, anything else is bad input. */
export function exitCodeOf(error: unknown): ExitCode {
  if (!(error instanceof HubError)) return EXIT.USAGE;
  if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN') return EXIT.UNAUTHORIZED;
  if (UNREACHABLE_CODES.has(error.code)) return EXIT.UNREACHABLE;
  return EXIT.USAGE;
}

/** One line for stderr: the code and the message (a connection failure's message already carries its hint). */
export function describeError(error: unknown): string {
  if (!(error instanceof HubError)) return error instanceof Error ? error.message : String(error);
  if (error.code === 'FORBIDDEN') return `forbidden: ${error.message}; set JETDRIVE_HUB_TOKEN to the operator token`;
  if (error.failure) return error.message;
  return `${error.code}: ${error.message}`;
}
