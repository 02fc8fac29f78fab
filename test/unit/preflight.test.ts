import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDataDirWritable, assertPortFree, StartupError } from '../../server/preflight.js';
import { freeTcpPort } from '../support/free-tcp-port.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preflight-'));
});
afterAll(async () => {
  await chmod(join(dir, 'ro'), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('assertPortFree', () => {
  it('refuses a port another program holds, with PORT_IN_USE and what to do; a free port passes', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const error = await assertPortFree('127.0.0.1', port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect(error).toMatchObject({ code: 'PORT_IN_USE', field: 'port' });
      expect((error as Error).message).toMatch(/choose another port with --port \/ PORT$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await expect(assertPortFree('127.0.0.1', await freeTcpPort())).resolves.toBeUndefined();
    await expect(assertPortFree('127.0.0.1', 0)).resolves.toBeUndefined();
  });

  it('says when HOST is not an address of this machine', async () => {
    await expect(assertPortFree('192.0.2.123', await freeTcpPort())).rejects.toMatchObject({
      code: 'PORT_UNAVAILABLE',
      message: expect.stringContaining('EADDRNOTAVAIL (HOST is not an address of this machine)'),
    });
    // `.invalid` never resolves (RFC 6761; the test setup answers it at once, without asking a DNS server).
    await expect(assertPortFree('no-such-host.invalid', await freeTcpPort())).rejects.toMatchObject({
      code: 'PORT_UNAVAILABLE',
      message: expect.stringContaining('ENOTFOUND (HOST is neither an address nor a name that resolves)'),
    });
  });
});

describe('assertDataDirWritable', () => {
  it('creates a missing directory and leaves no probe file behind', async () => {
    const data = join(dir, 'new', 'data');
    await assertDataDirWritable(data);
    expect(await readdir(data)).toEqual([]);
  });

  it('refuses a path under a file (ENOTDIR)', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(assertDataDirWritable(join(dir, 'file', 'data'))).rejects.toMatchObject({
      code: 'DATA_DIR_NOT_WRITABLE',
      message: expect.stringMatching(/ENOTDIR — part of the path is a file/),
    });
  });

  // Root writes through mode 0555, but not into an immutable directory (chattr +i, on file systems that have it).
  it('refuses a directory root cannot write either (immutable: EPERM), naming it and what to do', async (ctx) => {
    const locked = join(dir, 'immutable');
    await mkdir(locked);
    const chattr = promisify(execFile);
    const canLock = await chattr('chattr', ['+i', locked]).then(
      () => true,
      () => false,
    );
    if (!canLock) ctx.skip();
    try {
      await expect(assertDataDirWritable(locked)).rejects.toMatchObject({
        code: 'DATA_DIR_NOT_WRITABLE',
        field: 'dataDir',
        message: expect.stringMatching(
          new RegExp(`not writable .*cannot write to ${locked}: EPERM — operation not permitted: make DATA_DIR`),
        ),
      });
    } finally {
      await chattr('chattr', ['-i', locked]);
    }
  });

  // Root writes through mode 0555, so this case only exists for other users (the ENOTDIR case covers root).
  it.skipIf(process.getuid?.() === 0)('refuses a read-only directory (EACCES)', async () => {
    await mkdir(join(dir, 'ro'));
    await chmod(join(dir, 'ro'), 0o555);
    await expect(assertDataDirWritable(join(dir, 'ro'))).rejects.toMatchObject({
      message: expect.stringMatching(/EACCES — permission denied/),
    });
  });
});
