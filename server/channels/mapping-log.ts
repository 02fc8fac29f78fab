import { hostHex } from '../jetdrive/pick-host-id.js';
import { createLogger } from '../log.js';
import type { ChannelEntry } from './channel-entry.js';
import type { MappingSummary } from './create-mapping-tally.js';
import type { ProviderEntry } from './provider-table.js';

const log = createLogger('channels');

/** Unmapped channels warned about one by one per provider; the rest are only listed in its summary. */
const UNMAPPED_WARNINGS_PER_PROVIDER = 10;
/** Unmapped names quoted in a summary log line (the full list is in summaries()). */
const NAMES_PER_SUMMARY_LINE = 20;

/**
 * What the operator is told about the quantity mapping: one warning per unmapped channel (up to a limit per
 * provider, since a rogue host can announce hundreds) and a summary line per provider when it says something new.
 */
export class MappingLog {
  readonly #lastLine = new Map<number, string>();
  readonly #summaries = new Map<number, MappingSummary>();

  /** Logs the provider's summary when it changed (or always, with `force`). */
  summarize(pe: ProviderEntry, force = false): void {
    const { mapped, unmapped, provisional } = pe.tally.summary(pe.state.hostId);
    const quoted = unmapped.slice(0, NAMES_PER_SUMMARY_LINE);
    const more = unmapped.length > quoted.length ? ` and ${unmapped.length - quoted.length} more` : '';
    // Only what there is: "16 channels mapped", not "…, 0 unmapped: []".
    const unmappedText = unmapped.length > 0 ? `, ${unmapped.length} unmapped: ${quoted.join(', ')}${more}` : '';
    const waiting = provisional > 0 ? `; ${provisional} awaiting ChannelInfo` : '';
    const line = `${pe.state.name}: ${mapped} channels mapped${unmappedText}${waiting}`;
    // Provisional channels trickle in one datagram at a time: log a summary only when it says something new.
    if (!force && this.#lastLine.get(pe.state.hostId) === line) return;
    this.#lastLine.set(pe.state.hostId, line);
    this.#summaries.set(pe.state.hostId, { providerId: pe.state.hostId, mapped, unmapped, provisional });
    // No channels at all (the provider just cleared its list, which has a line of its own): nothing to summarize.
    if (!force && mapped === 0 && unmapped.length === 0 && provisional === 0) return;
    const fields = {
      provider: hostHex(pe.state.hostId),
      mapped,
      ...(quoted.length > 0 ? { unmapped: quoted } : {}),
      ...(provisional > 0 ? { provisional } : {}),
    };
    log.info(fields, line);
  }

  /** One warning per unmapped channel, up to a limit per provider. */
  warnUnmapped(pe: ProviderEntry, e: ChannelEntry): void {
    if (e.warnedUnmapped || pe.warned > UNMAPPED_WARNINGS_PER_PROVIDER) return;
    e.warnedUnmapped = true;
    pe.warned++;
    const provider = hostHex(pe.state.hostId);
    if (pe.warned > UNMAPPED_WARNINGS_PER_PROVIDER) {
      log.warn({ provider }, `${pe.state.name} has more unmapped channels: only its summary lists them`);
      return;
    }
    log.warn(
      { provider, channel: e.meta.name, unit: e.meta.unit },
      `channel "${e.meta.name}" of ${pe.state.name} maps to no known quantity`,
    );
  }

  /** Judges these channels again and logs the summaries that changed. */
  judge(touched: Iterable<ChannelEntry>, providerOf: (e: ChannelEntry) => ProviderEntry | undefined): void {
    const changedProviders = new Set<ProviderEntry>();
    for (const e of touched) {
      const pe = providerOf(e);
      if (!pe || pe.channels.get(e.meta.channelId) !== e) continue;
      if (pe.tally.judge(e) !== null) changedProviders.add(pe);
      // A renamed channel that is still unmapped is warned about under its new name.
      if (e.judged === 'unmapped') this.warnUnmapped(pe, e);
    }
    for (const pe of changedProviders) this.summarize(pe);
  }

  /**
   * Overrides changed: every channel is judged again, once per change. Only what changed is logged (the store logs
   * the write itself): a summary that reads the same and a channel that was unmapped before stay quiet.
   */
  rejudgeAll(providers: Iterable<ProviderEntry>): void {
    for (const pe of providers) {
      for (const e of pe.channels.values()) {
        const before = e.judged;
        pe.tally.judge(e);
        if (e.judged === 'unmapped' && before !== 'unmapped') {
          e.warnedUnmapped = false;
          this.warnUnmapped(pe, e);
        }
      }
      this.summarize(pe);
    }
  }

  forget(hostId: number): void {
    this.#lastLine.delete(hostId);
    this.#summaries.delete(hostId);
  }

  /** Per provider, as last logged (copies). */
  summaries(): MappingSummary[] {
    return [...this.#summaries.values()].map((m) => ({ ...m, unmapped: [...m.unmapped] }));
  }
}
