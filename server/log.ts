import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

const level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
const isPretty = process.stdout.isTTY && !process.env.LOG_JSON;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Escapes control characters (CR, LF, ESC, …) as \n, \r, \u001b: names come from the network, and a channel named
 * "x\n[INFO] operator token: …" must not forge a line of the terminal log (JSON logs escape them already).
 */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * The terminal format: one line per event, the module as prefix. In this thread (not a pino transport) so the
 * message can be escaped by a function; only used on a TTY.
 */
export function createPrettyStream(destination?: NodeJS.WritableStream): ReturnType<typeof pretty> {
  return pretty({
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,module',
    singleLine: true,
    messageFormat: (log, messageKey) =>
      `[${escapeControlChars(String(log.module ?? ''))}] ${escapeControlChars(String(log[messageKey] ?? ''))}`,
    ...(destination ? { destination, sync: true } : {}),
  });
}

// One root logger for the whole process; modules take a child named after themselves.
export const rootLogger: Logger = isPretty
  ? pino({ level, base: undefined }, createPrettyStream())
  : pino({ level, base: undefined });

export function createLogger(module: string): Logger {
  return rootLogger.child({ module });
}
