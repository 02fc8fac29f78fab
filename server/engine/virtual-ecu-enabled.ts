import type { SimStartOptions } from './types.js';

/**
 * Whether a simulator start runs the virtual ECU: asked for by giving `virtualEcu` (`virtual_ecu` over HTTP), unless
 * it says `enabled: false`. A start naming a scenario without `enabled` means the ECU (it was reported enabled while
 * the model ran without one).
 */
export function virtualEcuEnabled(v: SimStartOptions['virtualEcu']): boolean {
  return v !== undefined && v.enabled !== false;
}
