import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createPrettyStream, escapeControlChars } from '../../server/log.js';
import { until } from '../support/until.js';

describe('the terminal log', () => {
  it('logs a channel name carrying "\\n[INFO] operator token: x" as one line', async () => {
    let out = '';
    const terminal = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const log = pino({ level: 'info', base: undefined }, createPrettyStream(terminal)).child({ module: 'channels' });
    const name = 'Evil\n[INFO] operator token: x';
    log.warn({ channel: name }, `channel "${name}" of Rogue maps to no known quantity`);
    log.info('%s\r\n cleared its channel list', name);
    await until(() => out.split('\n').length > 2, 2_000, 'two log lines');
    const lines = out.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('[channels] channel "Evil\\n[INFO] operator token: x" of Rogue maps');
    expect(lines[1]).toContain('Evil\\n[INFO] operator token: x\\r\\n cleared its channel list');
    expect(lines.some((line) => line.startsWith('[INFO] operator token'))).toBe(false);
  });

  it('escapes every control character, ESC included, and leaves other text alone', () => {
    expect(escapeControlChars('a\tb\u001b[31mc\u0000\u2028 ü')).toBe('a\\tb\\u001b[31mc\\u0000\\u2028 ü');
  });
});
