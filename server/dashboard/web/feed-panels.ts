import type { Hub, HubBatch } from '@jetdrive-hub/client';
import type { ChannelBrowser } from './create-channel-browser.js';
import type { LiveChart } from './create-live-chart.js';
import type { PullFeed } from './create-pull-feed.js';
import type { ReadoutsPanel } from './create-readouts-panel.js';
import { errorText } from './error-text.js';
import { READOUT_SPECS } from './readout-specs.js';
import { unitCodeOf } from './unit-code-of.js';

// Data arrives as fast as the subscriptions allow (maxHz matches what is drawn); the panels draw per frame.

export const READOUT_HZ = 20;
export const CHART_HZ = 20;
const BROWSER_HZ = 2;
const CHART_QUANTITIES = ['rpm', 'power', 'torque', 'afr_front'];

export interface FedPanels {
  readouts: ReadoutsPanel;
  chart: LiveChart;
  browser: ChannelBrowser;
}

/** A subscription the hub refuses (limits, validation) ends with an error; say which panel went quiet. */
const refused =
  (panel: string) =>
  (err: unknown): void => {
    console.warn(`dashboard: ${panel} subscription ended: ${errorText(err)}`);
  };

/**
 * Subscribes the readouts, the live chart and the channel browser to the hub. Pull quantities (rpm, power, torque,
 * tps) are taken only from the dyno provider's channels (`pullFeed`), which also collects them for the pull tracker.
 */
export function feedPanels(hub: Hub, { readouts, chart, browser }: FedPanels, pullFeed: PullFeed): void {
  const readoutSelectors = READOUT_SPECS.map((s) => ({ quantity: s.quantity }));
  hub.samples$(readoutSelectors, { maxHz: READOUT_HZ }).subscribe({
    next: (batch: HubBatch) => {
      const at = Date.now();
      for (const s of batch.samples) {
        if (!s.quantity || !pullFeed.accepts(s.key, s.quantity)) continue;
        readouts.update(s.quantity, s.value, unitCodeOf(s.unit), s.name, at);
        pullFeed.offer(s.key, s.quantity, s.value, at);
      }
    },
    error: refused('readouts'),
  });

  const chartSelectors = CHART_QUANTITIES.map((quantity) => ({ quantity }));
  hub.samples$(chartSelectors, { maxHz: CHART_HZ, envelope: true }).subscribe({
    next: (batch) => {
      const at = Date.now();
      for (const s of batch.samples) {
        if (s.quantity && pullFeed.accepts(s.key, s.quantity)) {
          chart.set(s.quantity, s.value, s.min, s.max, unitCodeOf(s.unit), at);
        }
      }
    },
    error: refused('chart'),
  });

  hub.channels$.subscribe((channels) => {
    browser.setChannels(
      channels.map((c) => ({
        key: c.key,
        name: c.displayName,
        providerName: c.providerName,
        unitCode: c.unitCode,
        quantity: c.quantity,
        rateHz: c.rateHz,
        lastValue: c.lastValue,
        provisional: c.provisional,
      })),
    );
  });
  hub.samples$([{ glob: '*' }], { maxHz: BROWSER_HZ }).subscribe({
    next: (batch) => {
      const at = Date.now();
      for (const s of batch.samples) browser.setValue(s.key, s.value, at);
    },
    error: refused('channel browser'),
  });
}
