import type { Subject } from 'rxjs';
import { hostHex } from '../jetdrive/pick-host-id.js';
import type { JetDriveSink, ProviderChange, ProviderState } from '../jetdrive/types.js';
import { createLogger } from '../log.js';
import type { ChannelValuesBatch } from '../protocol/channel-values-batch.js';
import type { ChannelInfoRecord } from '../protocol/types.js';
import type { CatalogPublisher } from './catalog-publisher.js';
import type { ChannelTable } from './channel-table.js';
import type { RegistryOptions } from './default-registry-options.js';
import type { MappingLog } from './mapping-log.js';
import type { ProviderEntry, ProviderTable } from './provider-table.js';
import type { CatalogEvent, ChannelMeta, SampleBatch } from './types.js';

const log = createLogger('channels');

export interface RegistryWriterParts {
  opts: RegistryOptions;
  now: () => number;
  providers: ProviderTable;
  channels: ChannelTable;
  catalog: CatalogPublisher;
  mappingLog: MappingLog;
  samples$: Subject<SampleBatch>;
  events$: Subject<CatalogEvent>;
}

/**
 * The registry's write API (the JetDrive node's sink): provider changes, ChannelInfo, ClearChannelInfo and
 * ChannelValues as decoded columns. Every call ends with one settle: names, views and mapping judgements refreshed
 * for what it touched, then one catalog change.
 */
export class RegistryWriter implements JetDriveSink {
  readonly #p: RegistryWriterParts;

  constructor(parts: RegistryWriterParts) {
    this.#p = parts;
  }

  #providerOf = (e: { meta: ChannelMeta }): ProviderEntry | undefined => this.#p.providers.get(e.meta.providerId);

  #ensure(p: ProviderState): ProviderEntry | null {
    return this.#p.providers.ensure(p, () => this.#p.catalog.changed(false));
  }

  /** Ends every sink call: structural changes refresh names, views and summaries of what they touched. */
  #settle(mappingOf?: ProviderEntry): void {
    // The common case on the hot path: nothing changed, and no refresh closure is made.
    if (!this.#p.catalog.dirty) return;
    const { channels, mappingLog } = this.#p;
    this.#p.catalog.settle(() => {
      const touched = channels.touched;
      channels.names.assign(
        (e) => this.#providerOf(e)?.state.online ?? false,
        (e) => touched.add(e),
      );
      channels.views.reevaluate(touched);
      mappingLog.judge(touched, this.#providerOf);
      touched.clear();
      if (mappingOf) mappingLog.summarize(mappingOf);
    });
  }

  providerChanged(p: ProviderState, change: ProviderChange): void {
    if (change === 'removed') this.#removeProvider(p);
    else this.#updateProvider(p, change);
  }

  channelInfo(p: ProviderState, records: readonly ChannelInfoRecord[]): void {
    const pe = this.#ensure(p);
    if (!pe) return;
    this.#p.channels.applyInfo(pe, records, this.#p.now());
    this.#settle(pe);
  }

  channelsCleared(p: ProviderState): void {
    const pe = this.#ensure(p);
    if (!pe) return;
    this.#p.channels.removeAll(pe);
    this.#p.catalog.changed(false);
    this.#p.events$.next({ type: 'provider:cleared', provider: pe.snapshot() });
    log.info({ provider: hostHex(p.hostId) }, `${p.name} cleared its channel list`);
    this.#settle(pe);
  }

  channelValues(p: ProviderState, receivedAt: number, values: ChannelValuesBatch): boolean {
    const pe = this.#p.providers.get(p.hostId) ?? this.#ensure(p);
    if (!pe) return false;
    const { batch, provisional } = this.#p.channels.write(pe, receivedAt, values);
    const every = this.#p.opts.debugLogEvery;
    if (p.valueMessages === 1 || (every > 0 && p.valueMessages % every === 0)) this.#logChannelsSeen(pe);
    this.#settle(pe);
    if (batch.count > 0) this.#p.samples$.next(batch);
    return provisional;
  }

  #removeProvider(p: ProviderState): void {
    const pe = this.#p.providers.get(p.hostId);
    if (!pe) return;
    this.#p.channels.removeAll(pe);
    this.#p.providers.delete(p.hostId);
    this.#p.mappingLog.forget(p.hostId);
    this.#p.catalog.changed(true);
    this.#settle();
  }

  #updateProvider(p: ProviderState, change: Exclude<ProviderChange, 'removed'>): void {
    const pe = this.#ensure(p);
    if (!pe) return;
    const { channels, catalog, events$ } = this.#p;
    catalog.changed(false);
    if (change === 'added' || change === 'online' || change === 'offline') {
      // Online providers claim display names (assignDisplayNames).
      channels.touchNamesOf(pe);
      const type = change === 'offline' ? 'provider:offline' : 'provider:online';
      events$.next({ type, provider: pe.snapshot() });
    } else if (change === 'incompatible') {
      // Its channels came from a protocol we cannot read: they are not data.
      channels.removeAll(pe);
      events$.next({ type: 'provider:incompatible', provider: pe.snapshot() });
    } else if (change === 'conflict') {
      events$.next({ type: 'provider:conflict', provider: pe.snapshot() });
    }
    this.#settle();
  }

  #logChannelsSeen(pe: ProviderEntry): void {
    if (!log.isLevelEnabled('debug')) return;
    const p = pe.state;
    const names = [...pe.channels.values()].map((e) => e.meta.name);
    log.debug(
      { provider: hostHex(p.hostId), messages: p.valueMessages, channels: names },
      `${p.name}: ${names.length} channels seen`,
    );
  }
}
