import { InvalidArgumentError } from 'commander';
import { describeError, EXIT, type ExitCode, exitCodeOf } from './exit-codes.js';

/** An error the CLI reports on stderr and exits with (see EXIT). */
export class CliFailure extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }

  /** Any error as a CliFailure: a HubError by its code, anything else as bad input (exit 2). */
  static from(error: unknown): CliFailure {
    if (error instanceof CliFailure) return error;
    return new CliFailure(describeError(error), exitCodeOf(error));
  }
}

/** Runs a parser for commander: its error becomes commander's InvalidArgumentError (a usage error, exit 2). */
export function check<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export { EXIT };
