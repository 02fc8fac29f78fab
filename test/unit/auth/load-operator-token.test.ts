import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadOperatorToken,
  OPERATOR_TOKEN_FILE,
  OperatorTokenError,
} from '../../../server/auth/load-operator-token.js';
import { FULL_DISK_FILE_SYSTEM } from '../../support/full-disk-file-system.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jd-token-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('loadOperatorToken', () => {
  it('generates a random token at first start, stores it 0600 in a created data dir, and reuses it later', async () => {
    const dataDir = join(await tempDir(), 'nested', 'data');
    const first = await loadOperatorToken({ dataDir });
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.file).toBe(join(dataDir, OPERATOR_TOKEN_FILE));
    expect((await stat(join(dataDir, OPERATOR_TOKEN_FILE))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dataDir, OPERATOR_TOKEN_FILE), 'utf8')).trim()).toBe(first.token);

    const second = await loadOperatorToken({ dataDir });
    expect(second).toEqual({ ...first, source: 'stored' });

    const other = await loadOperatorToken({ dataDir: await tempDir() });
    expect(other.token).not.toBe(first.token);
  });

  it('prefers HUB_OPERATOR_TOKEN and writes nothing', async () => {
    const dataDir = await tempDir();
    const t = await loadOperatorToken({ dataDir, envToken: 'from-the-environment-123' });
    expect(t).toEqual({ token: 'from-the-environment-123', source: 'env', file: null, permissionsFixed: false });
    await expect(stat(join(dataDir, OPERATOR_TOKEN_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('restricts a stored token readable by others to 0600, and refuses a too-short one', async () => {
    const dataDir = await tempDir();
    const file = join(dataDir, OPERATOR_TOKEN_FILE);
    await writeFile(file, 'a-stored-token-of-enough-length\n');
    await chmod(file, 0o644);
    const t = await loadOperatorToken({ dataDir });
    expect(t).toMatchObject({ token: 'a-stored-token-of-enough-length', source: 'stored', permissionsFixed: true });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    await writeFile(file, 'short\n');
    await expect(loadOperatorToken({ dataDir })).rejects.toThrow(/5 characters long \(at least 16 required\)/);
  });

  it('two hubs starting at once on an empty data dir end up with the same token', async () => {
    const dataDir = await tempDir();
    const [a, b] = await Promise.all([loadOperatorToken({ dataDir }), loadOperatorToken({ dataDir })]);
    expect(a.token).toBe(b.token);
  });

  it('on a full disk: ENOSPC named with what to do, and no token file or temp file left behind', async () => {
    const dataDir = await tempDir();
    const failed = loadOperatorToken({ dataDir, fs: FULL_DISK_FILE_SYSTEM });
    await expect(failed).rejects.toThrow(OperatorTokenError);
    await expect(failed).rejects.toThrow(/ENOSPC — the disk is full: free space on it.*or set HUB_OPERATOR_TOKEN/);
    expect(await readdir(dataDir)).toEqual([]);
    // The next start, with space again, just works.
    expect((await loadOperatorToken({ dataDir })).source).toBe('generated');
  });

  it('replaces the empty file an older version left on a full disk, and cleans its temp files', async () => {
    const dataDir = await tempDir();
    const file = join(dataDir, OPERATOR_TOKEN_FILE);
    await writeFile(file, '');
    await writeFile(`${file}.4194305.0badcafe.tmp`, 'half');
    const t = await loadOperatorToken({ dataDir });
    expect(t).toMatchObject({ source: 'generated', replacedEmpty: true });
    expect((await readFile(file, 'utf8')).trim()).toBe(t.token);
    expect(await readdir(dataDir)).toEqual([OPERATOR_TOKEN_FILE]);
    expect(await loadOperatorToken({ dataDir })).toMatchObject({ token: t.token, source: 'stored' });
  });
});
