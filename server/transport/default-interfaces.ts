import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

const IFF_UP = 0x1;
const IFF_MULTICAST = 0x1000;

/** Reads Linux interface flags; null where /sys is not available (other OSes), which then counts as capable. */
function linuxFlags(name: string): number | null {
  try {
    return Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim(), 16);
  } catch {
    return null;
  }
}

/**
 * The addresses of every IPv4 interface that is up and multicast-capable, plus loopback (127.0.0.1), loopback first.
 * This is the shop-network default; tests and benchmarks must pass ['127.0.0.1'] explicitly instead.
 */
export function defaultInterfaces(): string[] {
  const result = ['127.0.0.1'];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    const flags = linuxFlags(name);
    if (flags !== null && ((flags & IFF_UP) === 0 || (flags & IFF_MULTICAST) === 0)) continue;
    for (const a of addresses ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      if (!result.includes(a.address)) result.push(a.address);
    }
  }
  return result;
}
