import type {
  RecordingAlert,
  RecordingStatus,
  RunEndReason,
  RunMetadata,
  RunStartReason,
} from '@jetdrive-hub/client/contract';
import { auditTime, merge, Subject, type Subscription } from 'rxjs';
import { describeFsError, errorCode } from '../files/describe-fs-error.js';
import { createLogger } from '../log.js';
import type { Datagram } from '../transport/types.js';
import { BlackBoxRing } from './black-box-ring.js';
import type { ClockOffset } from './datagram-facts.js';
import { JournalSegment } from './journal-format.js';
import { PullWatch } from './pull-watch.js';
import { type RewriteFacts, rewriteRunFile } from './rewrite-run-file.js';
import type { ActiveRun, CaptureEvent, RunCaptureDeps, RunCaptureStats } from './run-capture-types.js';
import { JOURNAL_EXTENSION } from './run-file-format.js';
import { createRunId, defaultRunName } from './run-id.js';
import { RunJournal } from './run-journal.js';
import type { RunOptions } from './run-options.js';
import { runSummaryOf } from './run-summary-of.js';
import { RunsError } from './runs-error.js';
import { startMetadata } from './start-metadata.js';

// Run capture: the black-box ring on the datagram tap, pull detection on the decoded samples, and the recorder.
// A run's journal gets the ring's pre-roll, then every datagram until the post-roll after its end: every pump the
// datagrams since the last are copied out of the ring as one raw segment and appended (no work per datagram; what a
// kill -9 can lose), and the journal is rewritten into the finished, compressed MCAP run file at the end. A write
// error (disk full) suspends recording with an alert, a metric and a log line; the datagram path never waits on the
// disk, so live streaming is unaffected; a probe write every resumeCheckMs resumes recording once it succeeds.

const log = createLogger('runs');
const PUMP_MS = 50;
/** At most this much is copied out of the ring for the journal at once (one segment, one write). */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_ENTRIES = 16 * 1024;

function clearRunTimers(run: ActiveRun): void {
  if (run.maxTimer) clearTimeout(run.maxTimer);
  if (run.postRollTimer) clearTimeout(run.postRollTimer);
  run.maxTimer = null;
  run.postRollTimer = null;
}

export class RunCapture {
  readonly #o: RunOptions;
  readonly #d: RunCaptureDeps;
  readonly #now: () => number;
  readonly #ring: BlackBoxRing;
  readonly #watch: PullWatch;
  /** The segment record every pump copies into and writes (one run is pumped at a time). */
  #segment: JournalSegment | null = null;
  readonly #events = new Subject<CaptureEvent>();
  readonly events$ = this.#events.asObservable();
  #run: ActiveRun | null = null;
  #ops: Promise<void> = Promise.resolve();
  #state: RecordingStatus['state'] = 'idle';
  #alert: RecordingAlert | null = null;
  #clocks = new Map<number, ClockOffset>();
  #subs: Subscription[] = [];
  #untap: (() => void) | null = null;
  #flushTimer: NodeJS.Timeout | null = null;
  #resumeTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** Datagram bytes pushed since the last pump; this many of them start one before the timer would. */
  #sincePump = 0;
  readonly #pumpBytes: number;
  #runsRecorded = 0;
  #recovered = 0;
  #journalsRefused = 0;
  readonly #dropped = { behind: 0, sources: 0 };
  readonly #writeErrors: Record<string, number> = {};

  constructor(options: RunOptions, deps: RunCaptureDeps) {
    this.#o = options;
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#ring = new BlackBoxRing({ maxAgeMs: options.ringMs, capacityBytes: options.ringBytes });
    this.#pumpBytes = Math.max(64 * 1024, Math.floor(options.ringBytes / 4));
    this.#watch = new PullWatch(options.detection);
  }

  /** Loads the library, finalises journals a crash left behind, then starts tapping and detecting. */
  async start(): Promise<void> {
    try {
      await this.#recoverJournals(await this.#d.library.load());
    } catch (error) {
      // An unusable run folder suspends recording; the hub and its live data start all the same.
      await this.#fail(error, null);
    }
    this.#untap = this.#d.tap((d) => this.#onDatagram(d));
    const { registry, resolver } = this.#d;
    this.#watch.judgeAll(registry, resolver);
    this.#subs.push(
      registry.events$.subscribe((e) => this.#watch.onEvent(e, resolver)),
      resolver.changes$.subscribe(() => this.#watch.judgeAll(registry, resolver)),
      // Catalog events, not catalog$: catalog$ builds a snapshot of every channel per change (each ChannelInfo
      // datagram of a flood) before auditTime could thin it out.
      merge(registry.events$, resolver.changes$)
        .pipe(auditTime(250))
        .subscribe(() => this.#watch.rebuild(registry)),
    );
    if (this.#o.autoRecord) {
      this.#subs.push(
        registry.samples$.subscribe((b) => {
          const e = this.#watch.feed(b.providerId, b.receivedAt, b.count, b.keys, b.values);
          if (e?.type === 'start') this.#onPullStart(e.providerId);
          else if (e?.type === 'end') this.#onPullEnd(e.providerId, e.reason);
        }),
      );
    }
    // The journal is fed from the ring in small steps, at least every flushMs (and by volume: #onDatagram), so the
    // ring seldom laps the recorder; datagrams it does lap are counted (dropped.behind).
    this.#flushTimer = setInterval(() => this.#flushTick(), Math.min(PUMP_MS, this.#o.flushMs));
    this.#flushTimer.unref();
  }

  /** Finishes the run being recorded (end reason `shutdown`) and stops. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#untap?.();
    for (const s of this.#subs) s.unsubscribe();
    if (this.#flushTimer) clearInterval(this.#flushTimer);
    if (this.#resumeTimer) clearInterval(this.#resumeTimer);
    if (this.#run) this.#finish('shutdown');
    await this.#ops;
    this.#events.complete();
  }

  status(): RecordingStatus {
    return {
      state: this.#state,
      runId: this.#run?.id ?? null,
      startedAt: this.#run?.meta.startedAt ?? null,
      alert: this.#alert,
    };
  }

  stats(): RunCaptureStats {
    return {
      state: this.#state,
      ring: this.#ring.stats(),
      runsRecorded: this.#runsRecorded,
      dropped: { ...this.#dropped },
      writeErrors: { ...this.#writeErrors },
      recovered: this.#recovered,
      journalsRefused: this.#journalsRefused,
    };
  }

  /** Manual start (operator). */
  startManual(name?: string): RecordingStatus {
    if (this.#state === 'suspended') {
      throw new RunsError('RECORDING_SUSPENDED', `recording is suspended: ${this.#alert?.message ?? 'write error'}`);
    }
    if (this.#state === 'post_roll') this.#finish(this.#run?.endReason ?? 'manual');
    else if (this.#run)
      throw new RunsError('ALREADY_RECORDING', `run ${this.#run.id} is being recorded; stop it first`);
    this.#begin('manual', null, name);
    return this.status();
  }

  /** Manual stop (operator): ends the run now, without post-roll. */
  stopManual(): RecordingStatus {
    if (!this.#run) throw new RunsError('NOT_RECORDING', 'nothing is being recorded');
    this.#watch.resetAll();
    this.#finish('manual');
    return this.status();
  }

  #onDatagram(d: Datagram): void {
    // The only work on the hot path: the recorder reads what it writes from the ring, every pump. At rates where a
    // quarter of the ring fills before the next timer tick (a late tick at a thousand times a dyno's rate), the pump
    // is started by the volume instead, so the ring does not lap the recorder.
    this.#ring.push(d.bytes, d.from, d.receivedAt);
    if (this.#run === null) return;
    this.#sincePump += d.bytes.byteLength;
    if (this.#sincePump >= this.#pumpBytes) this.#flushTick();
  }

  #onPullStart(providerId: number): void {
    if (this.#state === 'post_roll' && this.#run) {
      // A new pull inside the post-roll of the last one continues the same run (its max-duration bound stays).
      if (this.#run.postRollTimer) clearTimeout(this.#run.postRollTimer);
      this.#run.postRollTimer = null;
      this.#run.endReason = null;
      this.#state = 'recording';
      return;
    }
    if (this.#state === 'idle') this.#begin('auto', providerId);
  }

  #onPullEnd(providerId: number, reason: RunEndReason): void {
    const run = this.#run;
    if (!run || this.#state !== 'recording' || run.reason !== 'auto' || run.providerId !== providerId) return;
    run.endReason = reason;
    this.#state = 'post_roll';
    run.postRollTimer = setTimeout(() => this.#finishRun(run, reason), this.#o.postRollMs);
  }

  #begin(reason: RunStartReason, providerId: number | null, name?: string): void {
    const startedAt = this.#now();
    const id = createRunId(startedAt);
    const meta = startMetadata({
      id,
      name: name ?? defaultRunName(startedAt, reason),
      startedAt,
      reason,
      registry: this.#d.registry,
      resolver: this.#d.resolver,
      simulator: this.#d.simulator?.() ?? null,
    });
    const run: ActiveRun = {
      id,
      meta,
      reason,
      providerId,
      endReason: null,
      datagrams: 0,
      dropped: 0,
      maxTimer: null,
      postRollTimer: null,
      nextSeq: this.#ring.seqSince(startedAt - this.#o.preRollMs),
      endSeq: null,
      journal: null,
      failed: false,
      pumping: false,
    };
    this.#run = run;
    this.#state = 'recording';
    this.#refreshClocks();
    // Bounded: a run (manual ones too) lasts at most maxDurationS plus its post-roll.
    run.maxTimer = setTimeout(
      () => this.#finishRun(run, 'max_duration'),
      this.#o.detection.maxDurationS * 1000 + this.#o.postRollMs,
    );
    this.#chain(run, async () => {
      run.journal = await RunJournal.create(this.#d.fs, this.#d.library.journalOf(id), meta);
    });
    log.info({ id, reason, providerId }, 'recording run %s (%s)', id, reason);
    this.#events.next({
      type: 'run:started',
      run: { id, name: meta.name, startedAt, startReason: reason, providers: meta.providers.map((p) => p.name) },
    });
  }

  /**
   * A timer's end of `run`: only if it is still the run being recorded. (A max-duration timer left running once
   * ended the run recording a minute later — every pull after the third lasted 0.1 s.)
   */
  #finishRun(run: ActiveRun, reason: RunEndReason): void {
    if (this.#run === run) this.#finish(reason);
  }

  #finish(reason: RunEndReason): void {
    const run = this.#run;
    if (!run) return;
    clearRunTimers(run);
    run.endSeq = this.#ring.nextSeq;
    this.#run = null;
    this.#state = 'idle';
    const endedAt = this.#now();
    this.#chain(run, async () => {
      await this.#pump(run);
      const journal = run.journal;
      run.journal = null;
      await journal?.close();
      await this.#finalise(run.id, (source, facts) => ({
        ...(source ?? run.meta),
        id: run.id,
        endedAt,
        endReason: reason,
        datagrams: facts.datagrams,
        droppedDatagrams: run.dropped + facts.droppedSources,
      }));
      this.#runsRecorded++;
    });
  }

  async #finalise(id: string, meta: (source: RunMetadata | null, facts: RewriteFacts) => RunMetadata): Promise<void> {
    const { library, fs } = this.#d;
    const result = await rewriteRunFile({
      fs,
      from: library.journalOf(id),
      to: library.fileOf(id),
      compression: this.#o.compression,
      strict: false,
      metadata: (facts) => meta(facts.source, facts),
    });
    this.#dropped.sources += result.droppedSources;
    await fs.unlink(library.journalOf(id));
    await library.add(result.meta, result.sizeBytes);
    log.info({ id, datagrams: result.meta.datagrams, sizeBytes: result.sizeBytes }, 'run %s saved', id);
    this.#events.next({ type: 'run:ended', ended: { run: runSummaryOf(result) } });
  }

  /** Appends the run's datagrams that arrived since the last pump to its journal: a raw segment per ring copy. */
  async #pump(run: ActiveRun): Promise<void> {
    const journal = run.journal;
    if (!journal) return;
    const end = run.endSeq ?? this.#ring.nextSeq;
    this.#segment ??= new JournalSegment(MAX_BATCH_ENTRIES, MAX_BATCH_BYTES);
    for (;;) {
      const r = this.#ring.copyRange(run.nextSeq, end, MAX_BATCH_BYTES, this.#segment);
      run.nextSeq = r.next;
      this.#dropped.behind += r.missed;
      run.dropped += r.missed;
      if (!r.batch) return;
      // Sources and clocks as they are now (taken in the same turn as the copy): the segment's are among them.
      const sources = this.#ring.sources();
      const clocks = this.#clocks;
      await journal.noteSources(sources);
      await journal.noteClocks(clocks);
      await journal.append(this.#segment.record());
      run.datagrams += r.batch.lengths.length;
      if (r.next >= end) return;
    }
  }

  #flushTick(): void {
    const run = this.#run;
    // One pump waits at most: a slow disk leaves the datagrams in the ring (counted if it laps them). The volume
    // counter is left as it is then, so the first datagram after that pump starts the next.
    if (!run || run.pumping) return;
    this.#sincePump = 0;
    this.#refreshClocks();
    run.pumping = true;
    this.#chain(run, async () => {
      try {
        await this.#pump(run);
      } finally {
        run.pumping = false;
      }
    });
  }

  #refreshClocks(): void {
    this.#clocks = new Map();
    for (const p of this.#d.registry.providers()) {
      if (p.clock.offsetMs !== null)
        this.#clocks.set(p.hostId, { offsetMs: p.clock.offsetMs, latencyMs: p.clock.latencyMs ?? 0 });
    }
  }

  /** Journal and file work runs one step at a time; a failure suspends recording (the run's steps after it are skipped). */
  #chain(run: ActiveRun | null, op: () => Promise<void>): void {
    this.#ops = this.#ops.then(async () => {
      if (run?.failed) return;
      try {
        await op();
      } catch (error) {
        if (run) run.failed = true;
        await this.#fail(error, run);
      }
    });
  }

  async #fail(error: unknown, failed: ActiveRun | null): Promise<void> {
    const code = errorCode(error) ?? 'WRITE_ERROR';
    this.#writeErrors[code] = (this.#writeErrors[code] ?? 0) + 1;
    const message = describeFsError('cannot write the run file in', this.#d.library.dir, error);
    log.error({ err: error, code }, 'recording stopped: %s', message);
    const run = this.#run;
    if (run) {
      clearRunTimers(run);
      run.failed = true;
      await run.journal?.close(false).catch(() => undefined);
      run.journal = null;
    }
    this.#run = null;
    // The journals stay on disk: they are finalised (recovered) once writing works again.
    await failed?.journal?.close(false).catch(() => undefined);
    if (failed) failed.journal = null;
    this.#watch.resetAll();
    this.#state = 'suspended';
    this.#alert = { active: true, code, message, at: this.#now() };
    this.#events.next({ type: 'recording:alert', alert: this.#alert });
    this.#scheduleResume();
  }

  #scheduleResume(): void {
    if (this.#resumeTimer || this.#stopped) return;
    this.#resumeTimer = setInterval(() => void this.#tryResume(), this.#o.resumeCheckMs);
    this.#resumeTimer.unref();
  }

  async #tryResume(): Promise<void> {
    if (this.#state !== 'suspended') return;
    const probe = `${this.#d.library.dir}/.write-probe.${process.pid}.tmp`;
    try {
      const handle = await this.#d.fs.open(probe, 'w');
      try {
        await handle.write(new Uint8Array(4096));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      return;
    } finally {
      await this.#d.fs.unlink(probe).catch(() => undefined);
    }
    if (this.#resumeTimer) clearInterval(this.#resumeTimer);
    this.#resumeTimer = null;
    this.#state = 'idle';
    this.#alert = {
      active: false,
      code: 'RECORDING_RESUMED',
      message: 'the run folder is writable again: recording resumed',
      at: this.#now(),
    };
    log.info('recording resumed');
    this.#events.next({ type: 'recording:alert', alert: this.#alert });
    const pending = await this.#d.fs.readdir(this.#d.library.dir).catch(() => [] as string[]);
    const journals = pending
      .filter((n) => n.endsWith(JOURNAL_EXTENSION))
      .map((n) => n.slice(0, -JOURNAL_EXTENSION.length));
    this.#chain(null, () => this.#recoverJournals(journals));
  }

  async #recoverJournals(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (this.#run?.id === id) continue;
      await this.#recover(id).catch((error: unknown) => {
        if (errorCode(error) === 'UNREADABLE_JOURNAL') this.#journalsRefused++;
        log.error({ err: error, id }, 'run %s cannot be recovered', id);
      });
    }
  }

  async #recover(id: string): Promise<void> {
    await this.#finalise(id, (source, facts) => {
      const startedAt = source?.startedAt ?? facts.lastLogMs ?? this.#now();
      return {
        ...(source ?? startMetadata({ id, name: defaultRunName(startedAt, 'auto'), startedAt, reason: 'auto' })),
        id,
        endedAt: source?.endedAt ?? facts.lastLogMs ?? startedAt,
        endReason: source?.endReason ?? 'crash',
        recovered: true,
        datagrams: facts.datagrams,
        droppedDatagrams: facts.droppedSources,
      };
    });
    this.#recovered++;
    log.warn({ id }, 'run %s was left unfinished (crash or write error): recovered', id);
  }
}
