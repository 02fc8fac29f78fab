import type {
  RecordingAlert,
  RecordingStatus,
  RunEndedEvent,
  RunEndReason,
  RunMetadata,
  RunStartedEvent,
  RunStartReason,
} from '@jetdrive-hub/client/contract';
import type { ChannelRegistry, QuantityResolver } from '../channels/types.js';
import type { Datagram } from '../transport/types.js';
import type { BlackBoxRingStats } from './black-box-ring.js';
import type { RunFileSystem } from './run-file-system.js';
import type { RunJournal } from './run-journal.js';
import type { RunLibrary } from './run-library.js';
import type { RunOptions } from './run-options.js';

export type CaptureEvent =
  | { type: 'run:started'; run: RunStartedEvent }
  | { type: 'run:ended'; ended: RunEndedEvent }
  | { type: 'recording:alert'; alert: RecordingAlert };

export interface RunCaptureDeps {
  registry: ChannelRegistry;
  resolver: QuantityResolver;
  library: RunLibrary;
  /** Registers the datagram tap (the ingest's onDatagram); returns its removal. */
  tap: (listener: (d: Datagram) => void) => () => void;
  fs: RunFileSystem;
  /** The simulator's profile and scenario when the data is simulated. */
  simulator?: () => { profile: string; scenario: string | null } | null;
  now?: () => number;
}

export interface RunCaptureStats {
  state: RecordingStatus['state'];
  ring: BlackBoxRingStats;
  runsRecorded: number;
  /** Datagrams not recorded, by reason: behind (left the black box before the recorder read them), sources (65th source of a file). */
  dropped: Record<string, number>;
  writeErrors: Record<string, number>;
  recovered: number;
  /** Unfinished journals whose recovery was refused (not a journal this hub reads: UNREADABLE_JOURNAL). */
  journalsRefused: number;
}

export interface ActiveRun {
  id: string;
  meta: RunMetadata;
  reason: RunStartReason;
  /** The provider whose pull started it (auto), null for manual. */
  providerId: number | null;
  endReason: RunEndReason | null;
  datagrams: number;
  dropped: number;
  /** Ends the run at maxDurationS plus post-roll, however it goes; cleared when the run ends. */
  maxTimer: NodeJS.Timeout | null;
  /** Ends the run after the post-roll, once its pull ended; cleared if another pull starts within it. */
  postRollTimer: NodeJS.Timeout | null;
  /** The next black-box datagram (its sequence number) to write into the journal. */
  nextSeq: number;
  /** Set when the run ends: datagrams from this one on belong to no run. */
  endSeq: number | null;
  journal: RunJournal | null;
  /** A pump is queued or running (the next timer tick skips). */
  pumping: boolean;
  /** A write failed: its remaining steps are skipped, its journal is left for recovery. */
  failed: boolean;
}

export type { RunOptions };
