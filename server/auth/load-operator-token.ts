import { randomBytes } from 'node:crypto';
import { chmod, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AtomicFileSystem, NODE_FILE_SYSTEM } from '../files/atomic-file-system.js';
import { describeFsError, errorCode } from '../files/describe-fs-error.js';
import { removeOrphanTemps, writeFileAtomic } from '../files/write-file-atomic.js';

export const OPERATOR_TOKEN_FILE = 'operator-token';

export interface OperatorToken {
  token: string;
  /** env: from HUB_OPERATOR_TOKEN; stored: read from the data directory; generated: created by this start. */
  source: 'env' | 'stored' | 'generated';
  /** Where it is stored (null when it came from the environment). */
  file: string | null;
  /** The stored file was readable by others and has been restricted to 0600. */
  permissionsFixed: boolean;
  /** Set when a stored file was empty (an interrupted write of an older version) and this token replaced it. */
  replacedEmpty?: true;
}

export class OperatorTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperatorTokenError';
  }
}

/** 32 random bytes, base64url: 43 characters, no padding, safe in headers and shells. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const OR_ENV = 'or set HUB_OPERATOR_TOKEN';

/**
 * The operator token: HUB_OPERATOR_TOKEN if given, else the one stored in `<dataDir>/operator-token`, else a new one
 * written there with mode 0600. The write is atomic (temp file, fsync, link): a crash or a full disk never leaves a
 * partial token, and the link fails if another hub starting at the same time stored one first (then theirs is used).
 * An empty stored file (what the older non-atomic write left on a full disk) holds no token anyone could know, so it
 * is replaced; any other unusable content is an error saying what to do, because it may be an operator's edit.
 */
export async function loadOperatorToken(options: {
  dataDir: string;
  envToken?: string | null;
  fs?: AtomicFileSystem;
}): Promise<OperatorToken> {
  if (options.envToken) return { token: options.envToken, source: 'env', file: null, permissionsFixed: false };
  const fs = options.fs ?? NODE_FILE_SYSTEM;
  const file = resolve(join(options.dataDir, OPERATOR_TOKEN_FILE));
  await removeOrphanTemps(file, fs);
  const existing = await readStored(file, fs);
  if (existing !== null && existing !== 'empty') return existing;
  if (existing === 'empty') await fs.unlink(file).catch(() => undefined);
  const token = generateToken();
  try {
    await fs.mkdir(options.dataDir, { recursive: true });
    await writeFileAtomic(file, `${token}\n`, { mode: 0o600, exclusive: true, fs });
  } catch (err) {
    if (errorCode(err) === 'EEXIST') {
      // Another hub stored one between our read and our write: use theirs.
      const raced = await readStored(file, fs);
      if (raced !== null && raced !== 'empty') return raced;
    }
    throw new OperatorTokenError(`${describeFsError('cannot store the operator token in', file, err)}; ${OR_ENV}`, {
      cause: err,
    });
  }
  const generated: OperatorToken = { token, source: 'generated', file, permissionsFixed: false };
  return existing === 'empty' ? { ...generated, replacedEmpty: true } : generated;
}

async function readStored(file: string, fs: AtomicFileSystem): Promise<OperatorToken | 'empty' | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw new OperatorTokenError(`${describeFsError('cannot read the operator token from', file, err)}; ${OR_ENV}`, {
      cause: err,
    });
  }
  const token = text.trim();
  if (token.length === 0) return 'empty';
  if (token.length < 16) {
    throw new OperatorTokenError(
      `${file}: the stored operator token is ${token.length} characters long (at least 16 required); delete the file to generate a new one (printed once at the next start), ${OR_ENV}`,
    );
  }
  let permissionsFixed = false;
  if (((await stat(file)).mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    permissionsFixed = true;
  }
  return { token, source: 'stored', file, permissionsFixed };
}
