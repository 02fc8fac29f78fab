import { execFile } from 'node:child_process';
import dns from 'node:dns';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The setup file (test/support/network-safety.ts) must run in every vitest project and reach every Node process a
// test starts: an inline project that did not inherit it left hubs free to join every interface.
const run = promisify(execFile);

describe('network safety setup', () => {
  it('pins this test process to loopback and answers `.invalid` names without a DNS server', async () => {
    expect(process.env.JETDRIVE_IFACE).toBe('127.0.0.1');
    expect(process.env.NODE_OPTIONS).toContain('invalid-tld-dns.mjs');
    const error = await dns.promises.lookup('no-such-hub.invalid').catch((e: NodeJS.ErrnoException) => e);
    expect(error).toMatchObject({ code: 'ENOTFOUND', hostname: 'no-such-hub.invalid' });
  });

  it('reaches a child process: loopback pinned, `.invalid` refused at once, other names left to the resolver', async () => {
    const script = [
      "const dns = require('node:dns');",
      "dns.lookup('hub.invalid', (e) => dns.lookup('localhost', (e2, address) =>",
      '  console.log(JSON.stringify({ iface: process.env.JETDRIVE_IFACE, invalid: e && e.code, localhost: address,',
      '    options: process.env.NODE_OPTIONS }))));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['-e', script]);
    const seen = JSON.parse(stdout) as { iface: string; invalid: string; localhost: string; options: string };
    expect(seen.iface).toBe('127.0.0.1');
    // The refusal is the shim's (a resolver off this machine would also say ENOTFOUND, after asking).
    expect(seen.options).toContain('invalid-tld-dns.mjs');
    expect(seen.invalid).toBe('ENOTFOUND');
    expect(['127.0.0.1', '::1']).toContain(seen.localhost);
  });
});
