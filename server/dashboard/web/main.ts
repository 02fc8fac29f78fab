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

interface Panels {
  header: ReturnType<typeof createHeader>;
  readouts: ReturnType<typeof createReadoutsPanel>;
  chart: ReturnType<typeof createLiveChart>;
  pullChart: ReturnType<typeof createPullChart>;
  browser: ReturnType<typeof createChannelBrowser>;
  tracker: ReturnType<typeof createPullTracker>;
  pullFeed: ReturnType<typeof createPullFeed>;
}

/** The header's connection badge and the body's data-connection attribute (greys the page while disconnected). */
function showConnection(hub: Hub, header: Panels['header']): void {
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
}

/** A subscription the hub refuses (limits, validation) ends with an error; say which panel went quiet. */
function refused(panel: string): (err: unknown) => void {
  return (err) => {
    console.warn(`dashboard: ${panel} subscription ended: ${err instanceof Error ? err.message : String(err)}`);
  };
}

/** Readouts and the live chart, from the dyno provider's channels only (see createPullFeed). */
function feedReadoutsAndChart(hub: Hub, p: Panels): void {
  const readoutSelectors = READOUT_SPECS.map((s) => ({ quantity: s.quantity }));
  hub.samples$(readoutSelectors, { maxHz: READOUT_HZ }).subscribe({
    next: (batch: HubBatch) => {
      const at = Date.now();
      for (const s of batch.samples) {
        if (!s.quantity || !p.pullFeed.accepts(s.key, s.quantity)) continue;
        p.readouts.update(s.quantity, s.value, unitCodeOf(s.unit), s.name, at);
        p.pullFeed.offer(s.key, s.quantity, s.value, at);
      }
    },
    error: refused('readouts'),
  });

  const chartSelectors = ['rpm', 'power', 'torque', 'afr_front'].map((quantity) => ({ quantity }));
  hub.samples$(chartSelectors, { maxHz: CHART_HZ, envelope: true }).subscribe({
    next: (batch) => {
      const at = Date.now();
      for (const s of batch.samples) {
        if (s.quantity && p.pullFeed.accepts(s.key, s.quantity)) {
          p.chart.set(s.quantity, s.value, s.min, s.max, unitCodeOf(s.unit), at);
        }
      }
    },
    error: refused('chart'),
  });
}

/** Every channel with its metadata and (slowly) its value. */
function feedChannelBrowser(hub: Hub, browser: Panels['browser']): void {
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

/** What the HTTP API adds to the socket: provider status, discovery suggestions (in the chosen units), rates. */
function createPolls(p: Panels, system: () => UnitSystem) {
  return {
    async status(): Promise<void> {
      try {
        const status = parseStatus(await getJson('/api/jetdrive/status'));
        if (status.source) p.header.setSource(status.source);
        p.header.setProviders(status.providers);
      } catch {
        // The socket's connection state already tells the user the hub is unreachable.
      }
    },
    async discovery(): Promise<void> {
      try {
        const asked = system();
        const discovered = parseDiscovery(await getJson(`/api/jetdrive/hardware/channels/discover?units=${asked}`));
        if (asked !== system()) return;
        p.browser.setDiscovery(discovered);
        for (const d of discovered) {
          if (d.quantity && d.config) {
            p.readouts.suggest(d.quantity, suggestionForReadout(d.config, d.unitCode, asked, d.quantity));
          }
        }
      } catch {
        // 404 before any channel is seen; the next poll retries.
      }
    },
    async rates(): Promise<void> {
      try {
        p.browser.setRates(parseDiscovery(await getJson('/api/jetdrive/channels')));
      } catch {
        // Rates are informative; the next poll retries.
      }
    },
  };
}

/** The DOM is written here, once per animation frame; the pull plot a few times a second at most. */
function startFrameLoop(p: Panels): void {
  let pullDirty = false;
  let lastPullRender = 0;
  let lastTrackAt = 0;
  function frame(): void {
    const now = Date.now();
    p.readouts.frame(now);
    p.chart.frame(now);
    p.browser.frame(now);
    if (now - lastTrackAt >= 1000 / CHART_HZ) {
      lastTrackAt = now;
      const input = p.pullFeed.point(now);
      if (input && p.tracker.push(now, input.point, input.tps)) pullDirty = true;
    }
    if (pullDirty && now - lastPullRender > 200) {
      pullDirty = false;
      lastPullRender = now;
      p.pullChart.show(p.tracker.current(), p.tracker.completed + (p.tracker.current()?.active ? 1 : 0));
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
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

  const header = createHeader((next) => {
    system = next;
    localStorage.setItem(UNIT_KEY, next);
    applySystem();
    void polls.discovery();
  });
  const p: Panels = {
    header,
    readouts: createReadoutsPanel(byId('readouts')),
    chart: createLiveChart(byId('live-chart'), byId('live-legend'), { hz: CHART_HZ }),
    pullChart: createPullChart(byId('pull-chart'), byId('pull-info')),
    browser: createChannelBrowser(byId('channel-browser')),
    tracker: createPullTracker(),
    // Pulls (and the RPM/power/torque readouts) come from the dyno provider's channels only, never from any channel
    // the mapping calls power: one rogue node on the LAN would otherwise draw its own peak.
    pullFeed: createPullFeed(),
  };
  const polls = createPolls(p, () => system);
  function applySystem(): void {
    for (const panel of [p.header, p.readouts, p.chart, p.pullChart, p.browser]) panel.setSystem(system);
  }
  applySystem();

  hub.catalog$.subscribe((view) => p.pullFeed.setCatalog(view));
  showConnection(hub, header);
  feedReadoutsAndChart(hub, p);
  feedChannelBrowser(hub, p.browser);
  void polls.status();
  void polls.discovery();
  void polls.rates();
  setInterval(() => void polls.status(), STATUS_POLL_MS);
  setInterval(() => void polls.discovery(), DISCOVERY_POLL_MS);
  setInterval(() => void polls.rates(), RATES_POLL_MS);
  createTuningPanel(byId('tuning'), hub.sessions);
  startFrameLoop(p);
  window.addEventListener('pagehide', () => hub.close());
}

start();
