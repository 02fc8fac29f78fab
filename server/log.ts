import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The level before the configuration is read. An unknown LOG_LEVEL must not crash here (pino throws on one): the
 * configuration rejects it a moment later with the same message as `--log-level`; until then the default applies.
 */
export function initialLogLevel(env: Readonly<Record<string, string | undefined>>): LogLevel {
  const asked = env.LOG_LEVEL?.trim().toLowerCase();
  const known = LOG_LEVELS.find((l) => l === asked);
  return known ?? (env.VITEST ? 'silent' : 'info');
}

const level = initialLogLevel(process.env);
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

/** Fields the line shows anyway (time, level, module, message) or that pino adds. */
const SHOWN_OTHERWISE = new Set(['time', 'level', 'msg', 'module', 'pid', 'hostname', 'err']);
const MAX_FIELD_CHARS = 120;

function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return value.length === 0
      ? null
      : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * " (port=22344 iface=127.0.0.1)": the fields whose value the message does not already say, so a line never repeats
 * itself; an error's message when the line lacks it.
 */
function untoldFields(log: Record<string, unknown>, message: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(log)) {
    if (SHOWN_OTHERWISE.has(key)) continue;
    const text = fieldText(value);
    if (text === null || text === '' || message.includes(text)) continue;
    parts.push(`${key}=${text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text}`);
  }
  const err = log.err as { message?: unknown } | undefined;
  const errText = typeof err?.message === 'string' && !message.includes(err.message) ? err.message : null;
  if (errText) parts.push(errText);
  return parts.length > 0 ? ` (${parts.join(' ')})` : '';
}

/**
 * The terminal format: one line per event, the module as prefix, then only what the message does not say already
 * (every field is in the JSON log, LOG_JSON=1). In this thread (not a pino transport) so the message can be escaped
 * by a function; only used on a TTY.
 */
export function createPrettyStream(destination?: NodeJS.WritableStream): ReturnType<typeof pretty> {
  return pretty({
    translateTime: 'HH:MM:ss.l',
    // hideObject leaves only the message; pino-pretty ends such a line only when singleLine is off.
    hideObject: true,
    singleLine: false,
    messageFormat: (log, messageKey) => {
      const message = String(log[messageKey] ?? '');
      return escapeControlChars(`[${String(log.module ?? '')}] ${message}${untoldFields(log, message)}`);
    },
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
