import type { UnitSystem } from '../mapping/unit-conversion.js';

export interface HttpOptions {
  /** Largest accepted JSON body; larger bodies get 413. */
  bodyLimitBytes: number;
  /**
   * Allowed CORS origins; [] turns CORS off. ['*'] lets any origin read (GET/HEAD) but not control: a web page from
   * elsewhere must not drive the simulator or the mapping. Listed origins may use every method.
   */
  corsOrigins: readonly string[];
  /** Default display units (a request can ask for the other with ?units=). */
  unitSystem: UnitSystem;
  /** Default length of `sample_values` in discover. */
  discoverSamples: number;
  /** Upper bound a client may ask for with ?samples=. */
  maxDiscoverSamples: number;
  /** /ready reports data as flowing when a datagram arrived within this window. */
  readyDataWindowMs: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  bodyLimitBytes: 64 * 1024,
  // Dashboards of the older system run on their own origin (the Vite dev server), so any origin may read by default.
  corsOrigins: ['*'],
  unitSystem: 'imperial',
  discoverSamples: 20,
  maxDiscoverSamples: 500,
  readyDataWindowMs: 5_000,
};

export const DEFAULT_HTTP_PORT = 5001;
// Loopback until the operator opts in (HOST=0.0.0.0). Control needs the operator token either way; loopback is not
// exempt, but a hub nobody else can reach is the safer default.
export const DEFAULT_HTTP_HOST = '127.0.0.1';
