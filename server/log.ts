import pino, { type Logger } from 'pino';

export type { Logger };

const level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
const pretty = process.stdout.isTTY && !process.env.LOG_JSON;

// One root logger for the whole process; modules take a child named after themselves.
export const rootLogger: Logger = pino({
  level,
  base: undefined,
  ...(pretty
    ? {
        transport: {
          target: 'pino-pretty',
          options: {
            translateTime: 'HH:MM:ss.l',
            ignore: 'pid,hostname,module',
            messageFormat: '[{module}] {msg}',
            singleLine: true,
          },
        },
      }
    : {}),
});

export function createLogger(module: string): Logger {
  return rootLogger.child({ module });
}
