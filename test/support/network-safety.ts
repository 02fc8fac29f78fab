/**
 * Network safety for every test process and every process a test starts: a hub or simulator that is not told
 * otherwise joins and sends only on loopback. Flags still win (the namespace tests pass `--iface` on purpose), so a
 * test must ask, in its own words, for any other interface.
 */
export const LOOPBACK_ONLY_ENV: Readonly<Record<string, string>> = Object.freeze({ JETDRIVE_IFACE: '127.0.0.1' });

/** Vitest setup file: applies it to this test process, so children spawned by any means inherit it. */
Object.assign(process.env, LOOPBACK_ONLY_ENV);

// `.invalid` names fail at once, here and in every Node process a test starts (see invalid-tld-dns.mjs).
const INVALID_TLD_DNS = new URL('./invalid-tld-dns.mjs', import.meta.url).href;
await import(INVALID_TLD_DNS);
const importFlag = `--import=${INVALID_TLD_DNS}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(importFlag)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${importFlag}`.trim();
}
