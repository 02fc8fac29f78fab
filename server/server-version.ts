import { readFileSync } from 'node:fs';

/** The hub's version, read from package.json: the one place it is written (said in every `hello`). */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
