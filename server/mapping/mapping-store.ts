import { describeZodError } from '@jetdrive-hub/client/contract';
import { z } from 'zod';
import { join } from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { type AtomicFileSystem, NODE_FILE_SYSTEM } from '../files/atomic-file-system.js';
import { describeFsError } from '../files/describe-fs-error.js';
import { removeOrphanTemps, writeFileAtomic } from '../files/write-file-atomic.js';
import { createLogger } from '../log.js';
import { type MappingFile, mappingFileSchema, type ProviderOverrides } from './channel-override.js';
import { describeOverrideChange } from './describe-override-change.js';
import { nullProtoCopy } from './null-proto-record.js';
import { CodedError, type StatusTable } from '../errors/coded-error.js';

// Per-provider overrides persisted as one JSON file under the data directory. Writes are atomic (temp file, fsync,
// rename) so a crash never leaves half a file; temp files a crash left behind are removed at start, and a failed write
// (a full disk) removes its own. A file that does not parse is moved aside and reported, never overwritten and never
// fatal: the hub starts with no overrides and the user can recover the old file by hand. Provider and channel names
// are keys of a Map and of null-prototype objects ("__proto__" and "toString" are names like any other).

const log = createLogger('mapping-store');

export interface MappingStoreOptions {
  dataDir: string;
  fileName: string;
  /** Bounded: overrides come from the network (HTTP). */
  maxProviders: number;
  maxChannelsPerProvider: number;
  /** File operations (tests inject failures such as ENOSPC). */
  fs: AtomicFileSystem;
}

export const DEFAULT_MAPPING_STORE_OPTIONS: MappingStoreOptions = {
  dataDir: './data',
  fileName: 'channel-mapping.json',
  maxProviders: 64,
  maxChannelsPerProvider: 512,
  fs: NODE_FILE_SYSTEM,
};

export interface MappingStoreStatus {
  file: string;
  providers: number;
  /** Set when the file on disk did not parse at start-up and was moved aside. */
  corrupt: { movedTo: string | null; error: string; at: number } | null;
  /** Set when the file could not be read (not a parse error): saving is refused so it is not overwritten. */
  readError: string | null;
  lastSaveError: string | null;
  saves: number;
  /** Temp files of interrupted writes removed at start. */
  orphansRemoved: number;
}

export type MappingStoreErrorCode = 'MAPPING_LIMIT_EXCEEDED' | 'MAPPING_STORE_UNAVAILABLE';

/** HTTP status of each code: a limit is the client's mistake, an unreadable store the server's. */
export const MAPPING_STORE_STATUS: StatusTable<MappingStoreErrorCode> = Object.freeze({
  MAPPING_LIMIT_EXCEEDED: 400,
  MAPPING_STORE_UNAVAILABLE: 503,
});

export class MappingStoreError extends CodedError<MappingStoreErrorCode> {
  constructor(code: MappingStoreErrorCode, message: string) {
    super(code, MAPPING_STORE_STATUS[code], message);
  }
}

export interface MappingStore {
  get(provider: string): ProviderOverrides | undefined;
  providers(): string[];
  /** Replaces the provider's overrides; an empty object removes the provider. */
  set(provider: string, overrides: ProviderOverrides): Promise<void>;
  /** Removes one channel's override, or the whole provider when channel is omitted. False when nothing was there. */
  delete(provider: string, channel?: string): Promise<boolean>;
  status(): MappingStoreStatus;
  /** Emits after every successful change. */
  readonly changes$: Observable<void>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeParseError(error: unknown): string {
  if (error instanceof z.ZodError) return describeZodError(error, { root: '(root)' }).message;
  return errorText(error);
}

export async function createMappingStore(options: Partial<MappingStoreOptions> = {}): Promise<MappingStore> {
  const opts = { ...DEFAULT_MAPPING_STORE_OPTIONS, ...options };
  const file = join(opts.dataDir, opts.fileName);
  const providers = new Map<string, ProviderOverrides>();
  const changes$ = new Subject<void>();
  const state: Omit<MappingStoreStatus, 'file' | 'providers'> = {
    corrupt: null,
    readError: null,
    lastSaveError: null,
    saves: 0,
    orphansRemoved: 0,
  };
  const fs = opts.fs;

  state.orphansRemoved = await removeOrphanTemps(file, fs);
  if (state.orphansRemoved > 0) {
    log.warn({ file, removed: state.orphansRemoved }, 'removed temp files of interrupted mapping writes');
  }
  let text: string | null = null;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      state.readError = `cannot read ${file}: ${errorText(error)}`;
      log.error({ file, err: error }, 'mapping file unreadable; overrides disabled until it is fixed');
    }
  }
  if (text !== null) {
    try {
      const parsed: MappingFile = mappingFileSchema.parse(JSON.parse(text));
      for (const [provider, overrides] of Object.entries(parsed.providers)) providers.set(provider, overrides);
      log.info({ file, providers: providers.size }, 'mapping overrides loaded');
    } catch (error) {
      const reason = describeParseError(error);
      const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      let moved: string | null = movedTo;
      try {
        await fs.rename(file, movedTo);
      } catch (renameError) {
        moved = null;
        // If it cannot be moved aside it must not be overwritten either.
        state.readError = `corrupt file ${file} could not be moved aside: ${errorText(renameError)}`;
      }
      state.corrupt = { movedTo: moved, error: reason, at: Date.now() };
      log.error({ file, movedTo: moved, reason }, 'mapping file is corrupt; moved aside, starting with no overrides');
    }
  }

  let writeChain: Promise<void> = Promise.resolve();

  // The operator sees what a write changed, once (the registry then logs only the summaries that changed).
  const logChange = (provider: string, before?: ProviderOverrides, after?: ProviderOverrides): void => {
    const change = describeOverrideChange(provider, before, after);
    if (change) log.info({ file, provider }, change);
  };

  async function save(): Promise<void> {
    if (state.readError) throw new MappingStoreError('MAPPING_STORE_UNAVAILABLE', state.readError);
    const body: MappingFile = {
      version: 1,
      updated_at: new Date().toISOString(),
      providers: Object.fromEntries([...providers.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
    await fs.mkdir(opts.dataDir, { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(body, null, 2)}\n`, { fs });
  }

  function persist(): Promise<void> {
    // Serialized so two quick PUTs cannot rename out of order.
    const run = writeChain.then(save);
    writeChain = run.catch(() => undefined);
    return run.then(
      () => {
        state.saves++;
        state.lastSaveError = null;
        changes$.next();
      },
      (error: unknown) => {
        const failure =
          error instanceof MappingStoreError
            ? error
            : new MappingStoreError(
                'MAPPING_STORE_UNAVAILABLE',
                `${describeFsError('cannot save the overrides to', file, error)}; the overrides in effect are unchanged`,
              );
        state.lastSaveError = failure.message;
        log.error({ file, err: error }, failure.message);
        throw failure;
      },
    );
  }

  return {
    get: (provider) => providers.get(provider),
    providers: () => [...providers.keys()],
    async set(provider, overrides) {
      const channels = Object.keys(overrides).length;
      if (channels > opts.maxChannelsPerProvider) {
        throw new MappingStoreError(
          'MAPPING_LIMIT_EXCEEDED',
          `provider "${provider}" has ${channels} channel overrides; the limit is ${opts.maxChannelsPerProvider}`,
        );
      }
      if (!providers.has(provider) && channels > 0 && providers.size >= opts.maxProviders) {
        throw new MappingStoreError(
          'MAPPING_LIMIT_EXCEEDED',
          `${providers.size} providers have overrides; the limit is ${opts.maxProviders}`,
        );
      }
      if (state.readError) throw new MappingStoreError('MAPPING_STORE_UNAVAILABLE', state.readError);
      const previous = providers.get(provider);
      if (channels === 0) providers.delete(provider);
      else providers.set(provider, nullProtoCopy(overrides));
      try {
        await persist();
      } catch (error) {
        if (previous) providers.set(provider, previous);
        else providers.delete(provider);
        throw error;
      }
      logChange(provider, previous, providers.get(provider));
    },
    async delete(provider, channel) {
      const previous = providers.get(provider);
      if (!previous) return false;
      if (channel !== undefined) {
        if (!Object.hasOwn(previous, channel)) return false;
        const rest = nullProtoCopy(previous);
        delete rest[channel];
        if (Object.keys(rest).length === 0) providers.delete(provider);
        else providers.set(provider, rest);
      } else {
        providers.delete(provider);
      }
      try {
        await persist();
      } catch (error) {
        providers.set(provider, previous);
        throw error;
      }
      logChange(provider, previous, providers.get(provider));
      return true;
    },
    status: () => ({ file, providers: providers.size, ...state, corrupt: state.corrupt ? { ...state.corrupt } : null }),
    changes$: changes$.asObservable(),
  };
}
