import './styles.css';
import { connectHub, type Hub, type WireParser } from '@jetdrive-hub/client';
import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { type BannerInput, bannerFor } from './banner-for.js';
import { createAnalysisPanel } from './create-analysis-panel.js';
import { createBanner } from './create-banner.js';
import { createChannelBrowser } from './create-channel-browser.js';
import { createHeader } from './create-header.js';
import { createLiveChart } from './create-live-chart.js';
import { createPullChart } from './create-pull-chart.js';
import { createPullFeed } from './create-pull-feed.js';
import { createPullTracker } from './create-pull-tracker.js';
import { createReadoutsPanel } from './create-readouts-panel.js';
import { createReplayPanel } from './create-replay-panel.js';
import { createRunLibraryPanel, type RunLibraryPanel } from './create-run-library-panel.js';
import { createRunOverlayPanel, type RunOverlayPanel } from './create-run-overlay-panel.js';
import { createTokenField, storedToken } from './create-token-field.js';
import { createTuningPanel, type TuningPanel } from './create-tuning-panel.js';
import { byId } from './dom.js';
import { CHART_HZ, feedPanels } from './feed-panels.js';
import { pollHub } from './poll-hub.js';
import { showConnection } from './show-connection.js';
import { startFrameLoop } from './start-frame-loop.js';

// Wires the SDK to the panels: feedPanels subscribes them, pollHub polls what is not pushed, startFrameLoop draws.

const UNIT_KEY = 'jetdrive-hub.units';

function meta(name: string): string | null {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
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
  // Pulls (and the RPM/power/torque readouts) come from the dyno provider's channels only, never from any channel
  // the mapping calls power: one rogue node on the LAN would otherwise draw its own peak.
  const pullFeed = createPullFeed();
  hub.catalog$.subscribe((view) => pullFeed.setCatalog(view));
  let pollDiscovery: (() => Promise<void>) | null = null;
  let tuning: TuningPanel | null = null;
  let runLibrary: RunLibraryPanel | null = null;
  let overlay: RunOverlayPanel | null = null;

  const header = createHeader((next) => {
    system = next;
    localStorage.setItem(UNIT_KEY, next);
    applySystem();
    void pollDiscovery?.();
  });
  function applySystem(): void {
    for (const panel of [header, readouts, chart, pullChart, browser]) panel.setSystem(system);
    tuning?.setSystem(system);
    runLibrary?.setSystem(system);
    overlay?.setSystem(system);
  }
  applySystem();

  const banner = createBanner(byId('banner'));
  const why: BannerInput = {
    connection: 'connecting',
    statusHttp: null,
    status: null,
    hasToken: storedToken() !== null,
    origin: location.origin,
  };
  hub.connection$.subscribe((c) => {
    showConnection(header, c);
    // A stale source is still a connection: the header says stale, the panels keep the last data.
    why.connection = c.state === 'stale' ? 'connected' : c.state;
    banner.show(bannerFor(why));
  });
  feedPanels(hub, { readouts, chart, browser }, pullFeed);
  const onStatus = (httpStatus: number, status: BannerInput['status']): void => {
    why.statusHttp = httpStatus;
    if (status) why.status = status;
    banner.show(bannerFor(why));
  };
  pollDiscovery = pollHub({ header, browser, readouts, onStatus }, () => system);
  tuning = createTuningPanel(byId('tuning'), hub.sessions);
  tuning.setSystem(system);
  runLibrary = createRunLibraryPanel(byId('run-library'), byId('recording'), hub);
  runLibrary.setSystem(system);
  createReplayPanel(byId('replay'), hub.runs);
  createAnalysisPanel(byId('analysis'), hub.analysis, hub.providers$, hub.runs);
  const tracker = createPullTracker();
  overlay = createRunOverlayPanel(byId('run-overlay'), byId('run-library'), hub, tracker);
  overlay.setSystem(system);
  startFrameLoop({ readouts, chart, browser, pullChart }, tracker, pullFeed);

  window.addEventListener('pagehide', () => hub.close());
}

start();
