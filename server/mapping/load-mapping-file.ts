import { describeZodError } from '@jetdrive-hub/client/contract';
import { z } from 'zod';
import type { AtomicFileSystem } from '../files/atomic-file-system.js';
import { removeOrphanTemps } from '../files/write-file-atomic.js';
import { createLogger } from '../log.js';
import { type MappingFile, mappingFileSchema, type ProviderOverrides } from './channel-override.js';

const log = createLogger('mapping-store');

/** What start-up found on disk. */
export interface LoadedMappings {
  providers: Map<string, ProviderOverrides>;
  /** Set when the file did not parse and was moved aside (movedTo null: it could not be). */
  corrupt: { movedTo: string | null; error: string; at: number } | null;
  /** Set when the file could not be read, or a corrupt one not moved aside: saving must not overwrite it. */
  readError: string | null;
  /** Temp files of interrupted writes removed. */
  orphansRemoved: number;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeParseError(error: unknown): string {
  if (error instanceof z.ZodError) return describeZodError(error, { root: '(root)' }).message;
  return errorText(error);
}

async function readText(file: string, fs: AtomicFileSystem, out: LoadedMappings): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      out.readError = `cannot read ${file}: ${errorText(error)}`;
      log.error({ file, err: error }, 'mapping file unreadable; overrides disabled until it is fixed');
    }
    return null;
  }
}

/** A file that does not parse is moved aside, never overwritten, and never fatal. */
async function moveAside(file: string, fs: AtomicFileSystem, reason: string, out: LoadedMappings): Promise<void> {
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  let moved: string | null = movedTo;
  try {
    await fs.rename(file, movedTo);
  } catch (renameError) {
    moved = null;
    // If it cannot be moved aside it must not be overwritten either.
    out.readError = `corrupt file ${file} could not be moved aside: ${errorText(renameError)}`;
  }
  out.corrupt = { movedTo: moved, error: reason, at: Date.now() };
  log.error({ file, movedTo: moved, reason }, 'mapping file is corrupt; moved aside, starting with no overrides');
}

/** Removes temp files a crash left, then reads and validates the overrides file (absent: no overrides). */
export async function loadMappingFile(file: string, fs: AtomicFileSystem): Promise<LoadedMappings> {
  const out: LoadedMappings = { providers: new Map(), corrupt: null, readError: null, orphansRemoved: 0 };
  out.orphansRemoved = await removeOrphanTemps(file, fs);
  if (out.orphansRemoved > 0) {
    log.warn({ file, removed: out.orphansRemoved }, 'removed temp files of interrupted mapping writes');
  }
  const text = await readText(file, fs, out);
  if (text === null) return out;
  try {
    const parsed: MappingFile = mappingFileSchema.parse(JSON.parse(text));
    for (const [provider, overrides] of Object.entries(parsed.providers)) out.providers.set(provider, overrides);
    log.info({ file, providers: out.providers.size }, 'mapping overrides loaded');
  } catch (error) {
    await moveAside(file, fs, describeParseError(error), out);
  }
  return out;
}
