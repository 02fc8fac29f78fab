import type { ProviderSnapshot } from '../channels/types.js';
import { DYNO_PROVIDER_NAME, PROBE_PROVIDER_NAME } from './sim-channels.js';
import type { SimulatedDynoController } from './types.js';

/** Whose simulated dyno a provider is: this hub's, another hub's on the same JetDrive port, or none (a real one). */
export type SimulatorOrigin = 'this_hub' | 'another_hub' | null;

type ProviderFacts = Pick<ProviderSnapshot, 'hostId' | 'name' | 'address' | 'port'>;

/** Host ids of earlier simulator runs remembered (each run picks new ones); a bound, the oldest forgotten first. */
const REMEMBERED_RUN_IDS = 32;

/**
 * Two hubs on one JetDrive port see each other's simulators (both send on loopback). A provider is this hub's
 * simulator when its host id is one our simulator uses or used; it looks like a simulator when it is named like the
 * simulated dyno, or like the simulated probe and sending from the same socket (address:port) as a simulated dyno.
 */
export function createSimulatorOrigin(simulator: Pick<SimulatedDynoController, 'status'> | null) {
  const ours = new Set<number>();
  const remember = (): void => {
    for (const p of simulator?.status().providers ?? []) {
      ours.delete(p.hostId);
      ours.add(p.hostId);
    }
    for (const id of ours) {
      if (ours.size <= REMEMBERED_RUN_IDS) break;
      ours.delete(id);
    }
  };
  const looksSimulated = (p: ProviderFacts, all: readonly ProviderFacts[]): boolean =>
    p.name === DYNO_PROVIDER_NAME ||
    (p.name === PROBE_PROVIDER_NAME &&
      all.some((d) => d.name === DYNO_PROVIDER_NAME && d.address === p.address && d.port === p.port));
  return {
    /** Call after the simulator starts, so its ids are known before any status is asked for. */
    remember,
    originOf(provider: ProviderFacts, all: readonly ProviderFacts[]): SimulatorOrigin {
      remember();
      if (ours.has(provider.hostId)) return 'this_hub';
      return looksSimulated(provider, all) ? 'another_hub' : null;
    },
  };
}

export type SimulatorOriginTracker = ReturnType<typeof createSimulatorOrigin>;
