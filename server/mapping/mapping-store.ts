import { join } from 'node:path';
import { type Observable, Subject } from 'rxjs';
import { type AtomicFileSystem, NODE_FILE_SYSTEM } from '../files/atomic-file-system.js';
import { describeFsError } from '../files/describe-fs-error.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import { createLogger } from '../log.js';
import type { MappingFile, ProviderOverrides } from './channel-override.js';
import { describeOverrideChange } from './describe-override-change.js';
import { loadMappingFile } from './load-mapping-file.js';
import { MappingStoreError } from './mapping-store-error.js';
import { nullProtoCopy } from './null-proto-record.js';

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

export { MAPPING_STORE_STATUS, MappingStoreError, type MappingStoreErrorCode } from './mapping-store-error.js';

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

/** Refuses overrides beyond the bounds (they come from the network). */
function checkLimits(
  providers: ReadonlyMap<string, ProviderOverrides>,
  provider: string,
  channels: number,
  opts: MappingStoreOptions,
): void {
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
}

/** The operator sees what a write changed, once (the registry then logs only the summaries that changed). */
function logChange(file: string, provider: string, before?: ProviderOverrides, after?: ProviderOverrides): void {
  const change = describeOverrideChange(provider, before, after);
  if (change) log.info({ file, provider }, change);
}

/** Providers sorted by name, so the file diffs well. */
function mappingFileOf(providers: ReadonlyMap<string, ProviderOverrides>): MappingFile {
  return {
    version: 1,
    updated_at: new Date().toISOString(),
    providers: Object.fromEntries([...providers.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

function saveFailure(error: unknown, file: string): MappingStoreError {
  if (error instanceof MappingStoreError) return error;
  return new MappingStoreError(
    'MAPPING_STORE_UNAVAILABLE',
    `${describeFsError('cannot save the overrides to', file, error)}; the overrides in effect are unchanged`,
  );
}

export async function createMappingStore(options: Partial<MappingStoreOptions> = {}): Promise<MappingStore> {
  const opts = { ...DEFAULT_MAPPING_STORE_OPTIONS, ...options };
  const file = join(opts.dataDir, opts.fileName);
  const changes$ = new Subject<void>();
  const fs = opts.fs;
  const { providers, ...loaded } = await loadMappingFile(file, fs);
  const state: Omit<MappingStoreStatus, 'file' | 'providers'> = { ...loaded, lastSaveError: null, saves: 0 };

  let writeChain: Promise<void> = Promise.resolve();

  async function save(): Promise<void> {
    if (state.readError) throw new MappingStoreError('MAPPING_STORE_UNAVAILABLE', state.readError);
    const body = mappingFileOf(providers);
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
        const failure = saveFailure(error, file);
        state.lastSaveError = failure.message;
        log.error({ file, err: error }, failure.message);
        throw failure;
      },
    );
  }

  /** Puts `next` in place (undefined: none), saves, and puts the previous back if saving fails. */
  async function replace(provider: string, next: ProviderOverrides | undefined): Promise<void> {
    const previous = providers.get(provider);
    const put = (value: ProviderOverrides | undefined) =>
      value && Object.keys(value).length > 0 ? providers.set(provider, value) : providers.delete(provider);
    put(next);
    try {
      await persist();
    } catch (error) {
      put(previous);
      throw error;
    }
    logChange(file, provider, previous, providers.get(provider));
  }

  return {
    get: (provider) => providers.get(provider),
    providers: () => [...providers.keys()],
    async set(provider, overrides) {
      const channels = Object.keys(overrides).length;
      checkLimits(providers, provider, channels, opts);
      if (state.readError) throw new MappingStoreError('MAPPING_STORE_UNAVAILABLE', state.readError);
      await replace(provider, nullProtoCopy(overrides));
    },
    async delete(provider, channel) {
      const previous = providers.get(provider);
      if (!previous) return false;
      if (channel === undefined) {
        await replace(provider, undefined);
        return true;
      }
      if (!Object.hasOwn(previous, channel)) return false;
      const rest = nullProtoCopy(previous);
      delete rest[channel];
      await replace(provider, rest);
      return true;
    },
    status: () => ({ file, providers: providers.size, ...state, corrupt: state.corrupt ? { ...state.corrupt } : null }),
    changes$: changes$.asObservable(),
  };
}
