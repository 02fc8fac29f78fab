import { ConfigError, helpText, loadConfig } from './config.js';
import { createHub } from './hub.js';
import { createLogger, rootLogger } from './log.js';

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
    const { url } = await hub.start();
    log.info(`dashboard: ${url}/   API: ${url}/api/jetdrive/status`);
  } catch (err) {
    log.fatal({ err: err instanceof Error ? err.message : String(err) }, 'could not start: %s', err instanceof Error ? err.message : String(err));
    await hub.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
