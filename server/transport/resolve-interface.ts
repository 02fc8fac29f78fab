import type { NetworkInterfaceInfo } from 'node:os';

/** What `os.networkInterfaces()` returns: interface name → its addresses. */
export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

export type InterfaceResolution = { ok: true; address: string } | { ok: false; reason: string };

/** "lo 127.0.0.1, eth0 10.0.0.5": what the operator can choose from, for the error message. */
export function listIpv4Interfaces(table: InterfaceTable): string {
  const entries: string[] = [];
  for (const [name, addresses] of Object.entries(table)) {
    for (const a of addresses ?? []) if (a.family === 'IPv4') entries.push(`${name} ${a.address}`);
  }
  return entries.length > 0 ? entries.join(', ') : 'none';
}

/**
 * An interface setting as the operator wrote it — an IPv4 address of this machine (any 127.x.y.z counts: Linux routes
 * all of 127/8 to loopback) or an interface name such as `eth0` — resolved to the address to join on and send from.
 */
export function resolveInterface(setting: string, table: InterfaceTable): InterfaceResolution {
  const ipv4Of = (addresses: readonly NetworkInterfaceInfo[] | undefined) =>
    (addresses ?? []).filter((a) => a.family === 'IPv4');
  if (IPV4.test(setting)) {
    const ours =
      setting.startsWith('127.') ||
      Object.values(table).some((list) => ipv4Of(list).some((a) => a.address === setting));
    if (ours) return { ok: true, address: setting };
    return { ok: false, reason: `${setting} is not an IPv4 address of this machine` };
  }
  if (Object.hasOwn(table, setting)) {
    const [first] = ipv4Of(table[setting]);
    if (first) return { ok: true, address: first.address };
    return { ok: false, reason: `interface ${setting} has no IPv4 address` };
  }
  return { ok: false, reason: `"${setting}" is neither an IPv4 address of this machine nor an interface name` };
}
