import dns from 'node:dns';
import { expect, it } from 'vitest';

// Every vitest project must apply test/support/network-safety.ts (test/integration/network-safety-setup.test.ts checks
// that it reaches child processes too).
it('pins unit test processes to loopback and refuses `.invalid` names without a DNS server', async () => {
  expect(process.env.JETDRIVE_IFACE).toBe('127.0.0.1');
  // The refusal below is the shim's (a resolver off this machine would also say ENOTFOUND, after asking).
  expect(process.env.NODE_OPTIONS).toContain('invalid-tld-dns.mjs');
  await expect(dns.promises.lookup('hub.invalid')).rejects.toMatchObject({ code: 'ENOTFOUND' });
});
