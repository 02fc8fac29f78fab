import './styles.css';
import { connectHub, type Hub, type HubBatch, type WireParser } from '@jetdrive-hub/client';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { createChannelBrowser } from './create-channel-browser.js';
import { byId } from './dom.js';
import { createHeader } from './create-header.js';
import { createLiveChart } from './create-live-chart.js';
import { parseDiscovery } from './parse-discovery.js';
import { parseStatus } from './parse-status.js';
import { createPullChart } from './create-pull-chart.js';
import { createPullFeed } from './create-pull-feed.js';
import { createPullTracker } from './create-pull-tracker.js';
import { READOUT_SPECS } from './readout-specs.js';
import { createReadoutsPanel } from './create-readouts-panel.js';
import { suggestionForReadout } from './suggestion-for-readout.js';
import { authHeaders, createTokenField, storedToken } from './create-token-field.js';
import { createTuningPanel } from './create-tuning-panel.js';
import { unitCodeOf } from './unit-code-of.js';

// Wires the SDK to the panels. Data arrives as fast as the subscriptions allow (maxHz matches what is drawn);
// the DOM is written once per animation frame, never per sample.

const READOUT_HZ = 20;
const CHART_HZ = 20;
const BROWSER_HZ = 2;
const STATUS_POLL_MS = 2000;
const DISCOVERY_POLL_MS = 15_000;
const RATES_POLL_MS = 5000;
const UNIT_KEY = 'jetdrive-hub.units';

function meta(name: string): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
}

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function start(): void {
  const parser: WireParser = meta('jetdrive-parser') === 'msgpack' ? 'msgpack' : 'json';
  createTokenField();
  const hub: Hub = connectHub(location.origin, {
    parser,
    transports: ['websocket', 'polling'],
    token: storedToken() ?? undefined,
  });
  // The browser's own choice wins over the hub's default.
  const chosen = localStorage.getItem(UNIT_KEY) ?? meta('jetdrive-units');
  let system: UnitSystem = chosen === 'metric' ? 'metric' : 'imperial';

  const readouts = createReadoutsPanel(byId('readouts'));
  const chart = createLiveChart(byId('live-chart'), byId('live-legend'), { hz: CHART_HZ });
  const pullChart = createPullChart(byId('pull-chart'), byId('pull-info'));
  const browser = createChannelBrowser(byId('channel-browser'));
  const tracker = createPullTracker();
  // Pulls (and the RPM/power/torque readouts) come from the dyno provider's channels only, never from any channel
  // the mapping calls power: one rogue node on the LAN would otherwise draw its own peak.
  const pullFeed = createPullFeed();
  hub.catalog$.subscribe((view) => pullFeed.setCatalog(view));
  let pullDirty = false;
  let lastPullRender = 0;
  let lastTrackAt = 0;

  const header = createHeader((next) => {
    system = next;
    localStorage.setItem(UNIT_KEY, next);
    applySystem();
    void pollDiscovery();
  });
  function applySystem(): void {
    header.setSystem(system);
    readouts.setSystem(system);
    chart.setSystem(system);
    pullChart.setSystem(system);
    browser.setSystem(system);
  }
  applySystem();

  hub.connection$.subscribe((c) => {
    if (c.state === 'connected') {
      header.setConnection('connected');
      if (c.hello) header.setSource(c.hello.source);
      document.body.dataset.connection = 'connected';
    } else if (c.state === 'connecting') {
      header.setConnection('connecting', c.attempt > 0 ? `attempt ${c.attempt}` : null);
      document.body.dataset.connection = 'connecting';
    } else {
      header.setConnection('disconnected', c.willReconnect ? `${c.reason}, retrying` : c.reason);
      document.body.dataset.connection = 'disconnected';
    }
  });

  // A subscription the hub refuses (limits, validation) ends with an error; say which panel went quiet.
  const refused =
    (panel: string) =>
    (err: unknown): void => {
      console.warn(`dashboard: ${panel} subscription ended: ${err instanceof Error ? err.message : String(err)}`);
    };

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

  const chartSelectors = ['rpm', 'power', 'torque', 'afr_front'].map((quantity) => ({ quantity }));
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

  async function pollStatus(): Promise<void> {
    try {
      const status = parseStatus(await getJson('/api/jetdrive/status'));
      if (status.source) header.setSource(status.source);
      header.setProviders(status.providers);
    } catch {
      // The socket's connection state already tells the user the hub is unreachable.
    }
  }
  async function pollDiscovery(): Promise<void> {
    try {
      const asked = system;
      const discovered = parseDiscovery(await getJson(`/api/jetdrive/hardware/channels/discover?units=${asked}`));
      if (asked !== system) return;
      browser.setDiscovery(discovered);
      for (const d of discovered) {
        if (d.quantity && d.config) {
          readouts.suggest(d.quantity, suggestionForReadout(d.config, d.unitCode, asked, d.quantity));
        }
      }
    } catch {
      // 404 before any channel is seen; the next poll retries.
    }
  }
  async function pollRates(): Promise<void> {
    try {
      browser.setRates(parseDiscovery(await getJson('/api/jetdrive/channels')));
    } catch {
      // Rates are informative; the next poll retries.
    }
  }
  void pollStatus();
  void pollDiscovery();
  void pollRates();
  setInterval(() => void pollStatus(), STATUS_POLL_MS);
  setInterval(() => void pollDiscovery(), DISCOVERY_POLL_MS);
  setInterval(() => void pollRates(), RATES_POLL_MS);

  createTuningPanel(byId('tuning'), hub.sessions);

  function frame(): void {
    const now = Date.now();
    readouts.frame(now);
    chart.frame(now);
    browser.frame(now);
    if (now - lastTrackAt >= 1000 / CHART_HZ) {
      lastTrackAt = now;
      const input = pullFeed.point(now);
      if (input && tracker.push(now, input.point, input.tps)) pullDirty = true;
    }
    // The pull plot redraws a whole curve: a few times a second is plenty.
    if (pullDirty && now - lastPullRender > 200) {
      pullDirty = false;
      lastPullRender = now;
      pullChart.show(tracker.current(), tracker.completed + (tracker.current()?.active ? 1 : 0));
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  window.addEventListener('pagehide', () => hub.close());
}

start();
