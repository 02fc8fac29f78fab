import { join } from 'node:path';
import type { RunMetadata, RunPage, RunUpdate, runListQuerySchema } from '@jetdrive-hub/client/contract';
import { Subject } from 'rxjs';
import type { z } from 'zod';
import { errorCode } from '../files/describe-fs-error.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import { createLogger } from '../log.js';
import { normaliseRunMetadata } from './normalise-run-metadata.js';
import { readRunMetadata } from './read-run-metadata.js';
import { JOURNAL_EXTENSION, RUN_FILE_EXTENSION } from './run-file-format.js';
import type { RunFileSystem } from './run-file-system.js';
import { isRunId } from './run-id.js';
import { type LibraryEntry, runDetailOf, runSummaryOf } from './run-summary-of.js';
import { RunsError } from './runs-error.js';

// The run library: every finished run file in <DATA_DIR>/runs, with its metadata kept in memory and in a small
// index file (written atomically) so a start does not open every file. The operator's edits (name, notes, pin)
// live in the index. Retention keeps the files under a total size and a count: the oldest unpinned go first,
// each removal logged; pinned runs are never removed.

const log = createLogger('runs');
const INDEX_FILE = 'index.json';

export interface RunLibraryOptions {
  dir: string;
  fs: RunFileSystem;
  maxTotalBytes: number;
  maxRuns: number;
}

export type RunListFilter = z.infer<typeof runListQuerySchema>;

function timeOf(text: string | undefined, field: string): number | null {
  if (text === undefined) return null;
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(t)) {
    throw new RunsError('INVALID_FILTER', `query.${field}: "${text}" is neither epoch ms nor an ISO date`, {
      field: `query.${field}`,
    });
  }
  return t;
}

export class RunLibrary {
  readonly #o: RunLibraryOptions;
  readonly #entries = new Map<string, LibraryEntry>();
  readonly #changes = new Subject<void>();
  #saving: Promise<void> = Promise.resolve();
  #removedByRetention = 0;

  readonly changes$ = this.#changes.asObservable();

  constructor(options: RunLibraryOptions) {
    this.#o = options;
  }

  get dir(): string {
    return this.#o.dir;
  }

  fileOf(id: string): string {
    return join(this.#o.dir, `${id}${RUN_FILE_EXTENSION}`);
  }

  journalOf(id: string): string {
    return join(this.#o.dir, `${id}${JOURNAL_EXTENSION}`);
  }

  /** Loads the index and the run files; returns the ids of journals a crash left unfinished. */
  async load(): Promise<string[]> {
    const { fs, dir } = this.#o;
    await fs.mkdir(dir, { recursive: true });
    const indexed = await this.#readIndex();
    const names = await fs.readdir(dir);
    const journals: string[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp')) await fs.unlink(join(dir, name)).catch(() => undefined);
      else if (name.endsWith(JOURNAL_EXTENSION)) {
        const id = name.slice(0, -JOURNAL_EXTENSION.length);
        if (isRunId(id)) journals.push(id);
      } else if (name.endsWith(RUN_FILE_EXTENSION)) {
        const id = name.slice(0, -RUN_FILE_EXTENSION.length);
        if (isRunId(id)) await this.#loadFile(id, indexed.get(id));
      }
    }
    await this.#save();
    return journals;
  }

  async #loadFile(id: string, indexed: RunMetadata | undefined): Promise<void> {
    try {
      const { size } = await this.#o.fs.stat(this.fileOf(id));
      const meta = indexed ?? (await readRunMetadata(this.#o.fs, this.fileOf(id)));
      if (meta) this.#entries.set(id, { meta: { ...meta, id }, sizeBytes: size });
      else log.warn({ id }, 'run file %s has no run metadata: not listed', id);
    } catch (error) {
      log.warn({ id, err: error }, 'run file %s cannot be read: not listed', id);
    }
  }

  async #readIndex(): Promise<Map<string, RunMetadata>> {
    const map = new Map<string, RunMetadata>();
    try {
      const text = await this.#o.fs.readFile(join(this.#o.dir, INDEX_FILE), 'utf8');
      const parsed = JSON.parse(text) as { runs?: RunMetadata[] };
      for (const m of parsed.runs ?? []) {
        if (typeof m?.id !== 'string' || !isRunId(m.id)) continue;
        const meta = normaliseRunMetadata(m, m.id);
        if (meta) map.set(m.id, meta);
      }
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') log.warn({ err: error }, 'run index unreadable: rebuilt from the run files');
    }
    return map;
  }

  #save(): Promise<void> {
    const next = this.#saving.then(async () => {
      const runs = [...this.#entries.values()].map((e) => e.meta);
      await writeFileAtomic(join(this.#o.dir, INDEX_FILE), JSON.stringify({ version: 1, runs }), { fs: this.#o.fs });
    });
    // A failed index write is logged; the run files stay the truth and the next start rebuilds the index.
    this.#saving = next.catch((error: unknown) => log.warn({ err: error }, 'run index not written'));
    return next;
  }

  get count(): number {
    return this.#entries.size;
  }

  totalBytes(): number {
    let total = 0;
    for (const e of this.#entries.values()) total += e.sizeBytes;
    return total;
  }

  stats() {
    return { runs: this.#entries.size, bytes: this.totalBytes(), removedByRetention: this.#removedByRetention };
  }

  list(filter: RunListFilter): RunPage {
    const from = timeOf(filter.from, 'from');
    const to = timeOf(filter.to, 'to');
    const q = filter.q?.toLowerCase();
    const provider = filter.provider?.toLowerCase();
    const matches = [...this.#entries.values()].filter(({ meta: m }) => {
      if (from !== null && m.startedAt < from) return false;
      if (to !== null && m.startedAt > to) return false;
      if (filter.profile !== undefined && m.simulator?.profile !== filter.profile) return false;
      if (filter.scenario !== undefined && m.simulator?.scenario !== filter.scenario) return false;
      if (provider !== undefined && !m.providers.some((p) => p.name.toLowerCase().includes(provider))) return false;
      if (q !== undefined && !`${m.name}\n${m.notes}`.toLowerCase().includes(q)) return false;
      return true;
    });
    matches.sort((a, b) => b.meta.startedAt - a.meta.startedAt || (a.meta.id < b.meta.id ? 1 : -1));
    const runs = matches.slice(filter.offset, filter.offset + filter.limit).map(runSummaryOf);
    return { runs, total: matches.length, offset: filter.offset, limit: filter.limit };
  }

  #entry(id: string): LibraryEntry {
    const e = isRunId(id) ? this.#entries.get(id) : undefined;
    if (!e) throw new RunsError('RUN_NOT_FOUND', `id: no run "${id}" in the library`, { field: 'id' });
    return e;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  get(id: string) {
    return runDetailOf(this.#entry(id));
  }

  /** The run file to stream and the file name a human reads. */
  download(id: string): { file: string; fileName: string; sizeBytes: number } {
    const e = this.#entry(id);
    const safe =
      e.meta.name
        .replace(/[^A-Za-z0-9 ._-]+/g, '_')
        .trim()
        .slice(0, 80) || 'run';
    return { file: this.fileOf(id), fileName: `${safe} ${id}.mcap`, sizeBytes: e.sizeBytes };
  }

  async update(id: string, patch: RunUpdate) {
    const e = this.#entry(id);
    e.meta = { ...e.meta, ...patch };
    await this.#save();
    this.#changes.next();
    return runDetailOf(e);
  }

  async delete(id: string): Promise<void> {
    this.#entry(id);
    await this.#remove(id);
    await this.#save();
    this.#changes.next();
  }

  async #remove(id: string): Promise<void> {
    try {
      await this.#o.fs.unlink(this.fileOf(id));
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    this.#entries.delete(id);
  }

  /** A finished run file joins the library; retention then makes room. */
  async add(meta: RunMetadata, sizeBytes: number): Promise<void> {
    this.#entries.set(meta.id, { meta, sizeBytes });
    await this.#applyRetention(meta.id);
    await this.#save();
    this.#changes.next();
  }

  /** Oldest unpinned first (never `keep`, the run just added, unless it alone is over the caps). */
  async #applyRetention(keep: string): Promise<void> {
    const over = () => this.#entries.size > this.#o.maxRuns || this.totalBytes() > this.#o.maxTotalBytes;
    if (!over()) return;
    const candidates = [...this.#entries.values()]
      .filter((e) => !e.meta.pinned && e.meta.id !== keep)
      .sort((a, b) => a.meta.startedAt - b.meta.startedAt);
    for (const e of candidates) {
      if (!over()) return;
      await this.#remove(e.meta.id);
      this.#removedByRetention++;
      log.info(
        {
          id: e.meta.id,
          name: e.meta.name,
          sizeBytes: e.sizeBytes,
          runs: this.#entries.size,
          bytes: this.totalBytes(),
        },
        'retention removed run %s (%s): over %d runs or %d bytes',
        e.meta.id,
        e.meta.name,
        this.#o.maxRuns,
        this.#o.maxTotalBytes,
      );
    }
    if (over())
      log.warn(
        { runs: this.#entries.size, bytes: this.totalBytes() },
        'run library over its caps: only pinned runs left',
      );
  }
}
