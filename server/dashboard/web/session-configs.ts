// What each session was started with (engine profile, base VE scenario), as far as this browser knows: the hub's
// session list does not carry it, so the page remembers the sessions it started
// (in localStorage, bounded, newest kept); others show "—".

export interface SessionConfig {
  engine_profile: string;
  base_ve_scenario: string;
  max_iterations: number;
}

const KEY = 'jetdrive-hub.session-configs';
export const MAX_REMEMBERED = 100;

export type SessionConfigs = Map<string, SessionConfig>;

/** Adds one (newest last) and drops the oldest beyond `max`. */
export function remember(configs: SessionConfigs, id: string, config: SessionConfig, max = MAX_REMEMBERED): void {
  configs.delete(id);
  configs.set(id, config);
  for (const oldest of configs.keys()) {
    if (configs.size <= max) break;
    configs.delete(oldest);
  }
}

/** Reads what was stored, keeping only well-formed entries. */
export function parseConfigs(text: string | null): SessionConfigs {
  const out: SessionConfigs = new Map();
  try {
    const raw: unknown = JSON.parse(text ?? '[]');
    if (!Array.isArray(raw)) return out;
    for (const entry of raw) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
      const c: unknown = entry[1];
      if (typeof c !== 'object' || c === null) continue;
      const { engine_profile, base_ve_scenario, max_iterations } = c as Record<string, unknown>;
      if (typeof engine_profile !== 'string' || typeof base_ve_scenario !== 'string') continue;
      if (typeof max_iterations !== 'number') continue;
      out.set(entry[0], { engine_profile, base_ve_scenario, max_iterations });
    }
  } catch {
    // A damaged entry is forgotten.
  }
  return out;
}

export function loadConfigs(): SessionConfigs {
  return parseConfigs(localStorage.getItem(KEY));
}

export function saveConfigs(configs: SessionConfigs): void {
  localStorage.setItem(KEY, JSON.stringify([...configs]));
}
