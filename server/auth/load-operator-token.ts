import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const OPERATOR_TOKEN_FILE = 'operator-token';

export interface OperatorToken {
  token: string;
  /** env: from HUB_OPERATOR_TOKEN; stored: read from the data directory; generated: created by this start. */
  source: 'env' | 'stored' | 'generated';
  /** Where it is stored (null when it came from the environment). */
  file: string | null;
  /** The stored file was readable by others and has been restricted to 0600. */
  permissionsFixed: boolean;
}

/** 32 random bytes, base64url: 43 characters, no padding, safe in headers and shells. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/**
 * The operator token: HUB_OPERATOR_TOKEN if given, else the one stored in `<dataDir>/operator-token`, else a new one
 * written there with mode 0600 (exclusive create, so two hubs starting at once cannot overwrite each other's).
 */
export async function loadOperatorToken(options: {
  dataDir: string;
  envToken?: string | null;
}): Promise<OperatorToken> {
  if (options.envToken) return { token: options.envToken, source: 'env', file: null, permissionsFixed: false };
  const file = resolve(join(options.dataDir, OPERATOR_TOKEN_FILE));
  const existing = await readStored(file);
  if (existing) return existing;
  await mkdir(options.dataDir, { recursive: true });
  const token = generateToken();
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it between our read and write: use theirs.
    const raced = await readStored(file);
    if (raced) return raced;
    throw err;
  }
  return { token, source: 'generated', file, permissionsFixed: false };
}

async function readStored(file: string): Promise<OperatorToken | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  const token = text.trim();
  if (token.length < 16) {
    throw new Error(
      `${file}: the stored operator token is ${token.length} characters long (at least 16 required); delete the file to generate a new one`,
    );
  }
  let permissionsFixed = false;
  if (((await stat(file)).mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    permissionsFixed = true;
  }
  return { token, source: 'stored', file, permissionsFixed };
}
