import type { UnitSystem } from '../../mapping/unit-conversion.js';
import type { ChannelBrowser } from './create-channel-browser.js';
import type { Header } from './create-header.js';
import type { ReadoutsPanel } from './create-readouts-panel.js';
import { authHeaders } from './create-token-field.js';
import { parseDiscovery } from './parse-discovery.js';
import { parseStatus, type StatusView } from './parse-status.js';
import { suggestionForReadout } from './suggestion-for-readout.js';

const STATUS_POLL_MS = 2000;
const DISCOVERY_POLL_MS = 15_000;
const RATES_POLL_MS = 5000;

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

export interface PolledPanels {
  header: Header;
  browser: ChannelBrowser;
  readouts: ReadoutsPanel;
  /** Each status poll's outcome: its HTTP status (0: no answer) and the status when it was read. */
  onStatus?: (httpStatus: number, status: StatusView | null) => void;
}

/**
 * Polls what the socket does not push: the hub's status (source, providers), the channel discovery with its
 * suggested configs (in the unit system shown now), and the measured channel rates. Returns a discovery poll to
 * run at once when the unit system changes.
 */
export function pollHub(
  { header, browser, readouts, onStatus }: PolledPanels,
  system: () => UnitSystem,
): () => Promise<void> {
  async function pollStatus(): Promise<void> {
    let response: Response;
    try {
      response = await fetch('/api/jetdrive/status', { headers: { accept: 'application/json', ...authHeaders() } });
    } catch {
      onStatus?.(0, null);
      return;
    }
    if (!response.ok) {
      onStatus?.(response.status, null);
      return;
    }
    try {
      const status = parseStatus(await response.json());
      if (status.source) header.setSource(status.source);
      header.setProviders(status.providers);
      onStatus?.(response.status, status);
    } catch {
      onStatus?.(response.status, null);
    }
  }
  async function pollDiscovery(): Promise<void> {
    try {
      const asked = system();
      const discovered = parseDiscovery(await getJson(`/api/jetdrive/hardware/channels/discover?units=${asked}`));
      if (asked !== system()) return;
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
  return pollDiscovery;
}
