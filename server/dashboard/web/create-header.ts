import type { UnitSystem } from '../../mapping/unit-conversion.js';
import { byId, el, setAttr, setText } from './dom.js';
import { formatClock } from './format-value.js';
import type { ProviderView } from './parse-status.js';
import { shownProviders } from './shown-providers.js';

export type ConnectionState = 'connecting' | 'connected' | 'stale' | 'disconnected';

export interface Header {
  setConnection(state: ConnectionState, reason?: string | null): void;
  setSource(source: 'live' | 'simulated' | 'replay' | null): void;
  setProviders(providers: readonly ProviderView[]): void;
  setSystem(system: UnitSystem): void;
}

const CONNECTION_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  stale: 'Source stale',
  disconnected: 'Disconnected',
};

export function createHeader(onSystem: (system: UnitSystem) => void): Header {
  const conn = byId('connection');
  const connText = conn.querySelector('.conn-text') ?? conn;
  const source = byId('source');
  const providers = byId('providers');
  const toggle = byId('unit-toggle');
  const offlineSince = new Map<string, number>();
  const buttons = Array.from(toggle.querySelectorAll<HTMLButtonElement>('button[data-system]'));
  for (const button of buttons) {
    button.addEventListener('click', () => onSystem(button.dataset.system === 'metric' ? 'metric' : 'imperial'));
  }

  return {
    setConnection(state, reason) {
      setAttr(conn, 'data-state', state);
      setText(
        connText,
        reason && state !== 'connected' ? `${CONNECTION_TEXT[state]} · ${reason}` : CONNECTION_TEXT[state],
      );
    },
    setSource(value) {
      setAttr(source, 'data-source', value ?? 'unknown');
      setText(
        source,
        value === 'live' ? 'LIVE' : value === 'simulated' ? 'SIMULATED' : value === 'replay' ? 'REPLAY' : '—',
      );
    },
    setProviders(all) {
      const list = shownProviders(all, offlineSince, Date.now());
      providers.replaceChildren(
        ...list.map((p) =>
          el(
            'div',
            {
              class: 'provider',
              'data-online': String(p.online),
              'data-conflict': String(p.conflicts > 0),
              title:
                `${p.name} (${p.hostHex}) · ${p.online ? 'online' : 'offline'}` +
                (p.conflicts > 0
                  ? ` · ${p.conflicts} frames under its host id came from ${p.conflictFrom ?? 'another address'} (possible spoofing)`
                  : ''),
            },
            el('span', { class: 'pdot' }),
            el('span', {}, p.name),
            ...(p.online ? [] : [el('span', { class: 'offline' }, 'offline')]),
            el('span', { class: 'meta' }, p.hostHex),
            el('span', { class: 'meta' }, formatClock(p.offsetMs, p.latencyMs)),
            el('span', { class: 'meta' }, `drops ${p.drops}`),
            ...(p.conflicts > 0 ? [el('span', { class: 'meta conflict' }, `⚠ spoofed ×${p.conflicts}`)] : []),
          ),
        ),
      );
    },
    setSystem(system) {
      for (const button of buttons) setAttr(button, 'aria-pressed', String(button.dataset.system === system));
    },
  };
}
