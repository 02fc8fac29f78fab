import { ConfigError, helpText, loadConfig } from './config.js';
import { CodedError } from './errors/coded-error.js';
import { createHub } from './hub.js';
import { createLogger, rootLogger } from './log.js';
import { StartupError } from './preflight.js';

// Entry point: parse config, start the hub, stop cleanly on SIGINT/SIGTERM (exit 0), or exit 1 on a fatal fault.

const log = createLogger('main');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`jetdrive-hub: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  rootLogger.level = config.logLevel;
  const hub = createHub(config);

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down (%s)', signal);
    const force = setTimeout(() => {
      log.error('shutdown took longer than 5 s; exiting');
      process.exit(1);
    }, 5000);
    force.unref();
    hub.stop().then(
      () => {
        clearTimeout(force);
        rootLogger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await hub.start();
  } catch (err) {
    logStartFailure(err);
    // A preflight failure happened before anything started: there is nothing to stop or to log about stopping.
    if (!(err instanceof StartupError)) await hub.stop().catch(() => undefined);
    rootLogger.flush();
    process.exit(1);
  }
}

/** One line saying why the hub could not start; the stack only when debugging (LOG_LEVEL=debug or trace). */
function logStartFailure(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof CodedError ? err.code : undefined;
  log.fatal({ code }, 'could not start: %s', message);
  if (err instanceof Error && err.stack) log.debug({ stack: err.stack }, 'start-up failure, stack: %s', err.stack);
}

void main();
