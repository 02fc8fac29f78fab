import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createPrettyStream, escapeControlChars } from '../../server/log.js';
import { until } from '../support/until.js';

/** A logger writing the terminal format into a string. */
function terminalLogger(module: string) {
  let out = '';
  const terminal = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  const log = pino({ level: 'info', base: undefined }, createPrettyStream(terminal)).child({ module });
  return { log, output: () => out };
}

describe('the terminal log', () => {
  it('logs a channel name carrying "\\n[INFO] operator token: x" as one line', async () => {
    const { log, output } = terminalLogger('channels');
    const name = 'Evil\n[INFO] operator token: x';
    log.warn({ channel: name }, `channel "${name}" of Rogue maps to no known quantity`);
    log.info('%s\r\n cleared its channel list', name);
    await until(() => output().split('\n').length > 2, 2_000, 'two log lines');
    const lines = output()
      .split('\n')
      .filter((line) => line.length > 0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('[channels] channel "Evil\\n[INFO] operator token: x" of Rogue maps');
    expect(lines[1]).toContain('Evil\\n[INFO] operator token: x\\r\\n cleared its channel list');
    expect(lines.some((line) => line.startsWith('[INFO] operator token'))).toBe(false);
  });

  it('escapes every control character, ESC included, and leaves other text alone', () => {
    expect(escapeControlChars('a\tb\u001b[31mc\u0000\u2028 ü')).toBe('a\\tb\\u001b[31mc\\u0000\\u2028 ü');
  });

  it('writes one line per event: fields the message says are not repeated, the others follow briefly', async () => {
    const { log, output } = terminalLogger('hub');
    log.info(
      { host: '0x43FD', provider: 'Power Core', address: '10.0.0.5' },
      'provider:online 0x43FD "Power Core" from 10.0.0.5',
    );
    log.info(
      { group: '224.0.2.10', port: 22344, providers: ['Simulated Dyno', 'Atmospheric Probe'], none: [] },
      'started',
    );
    log.error({ err: new Error('EADDRINUSE on 5001') }, 'could not listen');
    await until(() => output().split('\n').length > 3, 2_000, 'three log lines');
    const lines = output()
      .split('\n')
      .filter((line) => line.length > 0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/\[hub\] provider:online 0x43FD "Power Core" from 10\.0\.0\.5$/);
    expect(lines[1]).toMatch(
      /\[hub\] started \(group=224\.0\.2\.10 port=22344 providers=Simulated Dyno,Atmospheric Probe\)$/,
    );
    expect(lines[2]).toMatch(/\[hub\] could not listen \(EADDRINUSE on 5001\)$/);
    expect(output()).not.toContain('{');
  });
});
