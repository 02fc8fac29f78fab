/** A human hint per OS error code, so a shop user knows what to change. */
const HINTS: Readonly<Record<string, string>> = {
  EADDRINUSE:
    'another program holds the port without SO_REUSEADDR; close it (or start it after the hub) or choose another JETDRIVE_PORT',
  EADDRNOTAVAIL: 'the interface address is not configured on this machine; check JETDRIVE_IFACE against `ip addr`',
  ENODEV: 'the interface has no multicast route or does not exist; check JETDRIVE_IFACE and that the link is up',
  EACCES: 'permission denied; ports below 1024 need privileges, and some firewalls block multicast joins',
  EINVAL: 'the group or interface address is invalid; JETDRIVE_GROUP must be a multicast address (224.0.0.0/4)',
  ENOBUFS: 'the OS ran out of multicast memberships or buffers; join fewer groups or interfaces',
};

export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return 'UNKNOWN';
}

export function describeSocketError(
  action: string,
  where: { group?: string; port: number; iface?: string },
  error: unknown,
): string {
  const code = errorCode(error);
  const parts = [`${action} failed`];
  if (where.group) parts.push(`group ${where.group}`);
  parts.push(`port ${where.port}`);
  if (where.iface) parts.push(`interface ${where.iface}`);
  const message = error instanceof Error ? error.message : String(error);
  return `${parts.join(', ')}: ${code} (${message}) — ${HINTS[code] ?? 'check the network configuration'}`;
}
