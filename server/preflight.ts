import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { HubConfig } from './config.js';
import { CodedError, type StatusTable } from './errors/coded-error.js';
import { describeFsError } from './files/describe-fs-error.js';

// Checks made before the hub does anything anyone could see (print a token, start the simulator, join a group):
// a start that is going to fail fails first, with one clear line.

export type StartupErrorCode = 'PORT_IN_USE' | 'PORT_UNAVAILABLE' | 'DATA_DIR_NOT_WRITABLE';

/** Never an HTTP answer (the hub does not start), but the same coded shape as every other error. */
export const STARTUP_ERROR_STATUS: StatusTable<StartupErrorCode> = Object.freeze({
  PORT_IN_USE: 500,
  PORT_UNAVAILABLE: 500,
  DATA_DIR_NOT_WRITABLE: 500,
});

export class StartupError extends CodedError<StartupErrorCode> {
  constructor(code: StartupErrorCode, message: string, field: string, cause?: unknown) {
    super(code, STARTUP_ERROR_STATUS[code], message, { field, cause });
  }
}

/** What a listen error says about HOST (a name that does not resolve, an address of another machine). */
const HOST_HINTS: Readonly<Record<string, string>> = {
  EADDRNOTAVAIL: ' (HOST is not an address of this machine)',
  ENOTFOUND: ' (HOST is neither an address nor a name that resolves)',
  EAI_AGAIN: ' (HOST is a name that could not be resolved now)',
};

/**
 * Binds host:port and lets go at once. The hub binds it for real a moment later, so another program could take it
 * in between; that rare race still fails cleanly at listen(), only after the side effects.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') {
        reject(
          new StartupError(
            'PORT_IN_USE',
            `HTTP port ${where} is in use (EADDRINUSE): stop the program holding it (is another hub running?) or choose another port with --port / PORT`,
            'port',
            error,
          ),
        );
      } else {
        const hint = HOST_HINTS[error.code ?? ''] ?? '';
        reject(
          new StartupError(
            'PORT_UNAVAILABLE',
            `cannot listen on ${where}: ${error.code ?? error.message}${hint}; check --host / HOST and --port / PORT`,
            'port',
            error,
          ),
        );
      }
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Creates the data directory if needed and writes (then removes) a probe file in it. */
export async function assertDataDirWritable(dataDir: string): Promise<void> {
  const probe = join(dataDir, `.write-check-${process.pid}`);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw new StartupError(
      'DATA_DIR_NOT_WRITABLE',
      `the data directory is not writable (the operator token and mapping overrides are stored there): ${describeFsError('cannot write to', dataDir, error)}`,
      'dataDir',
      error,
    );
  }
}

/** Everything that can be known to fail before the hub starts anything. */
export async function preflight(config: Pick<HubConfig, 'host' | 'port' | 'dataDir'>): Promise<void> {
  await assertDataDirWritable(config.dataDir);
  await assertPortFree(config.host, config.port);
}
