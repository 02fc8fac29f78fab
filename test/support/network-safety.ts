/**
 * Network safety for every test process and every process a test starts: a hub or simulator that is not told
 * otherwise joins and sends only on loopback. Flags still win (the namespace tests pass `--iface` on purpose), so a
 * test must ask, in its own words, for any other interface.
 */
export const LOOPBACK_ONLY_ENV: Readonly<Record<string, string>> = Object.freeze({ JETDRIVE_IFACE: '127.0.0.1' });

/** Vitest setup file: applies it to this test process, so children spawned by any means inherit it. */
Object.assign(process.env, LOOPBACK_ONLY_ENV);
