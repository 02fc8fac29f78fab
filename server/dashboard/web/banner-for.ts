import type { StatusView } from './parse-status.js';

// Why the page shows nothing, in one sentence and what to do: the banner over the panels. Pure, so every case is a
// unit test; create-banner.ts renders it.

export type BannerKind = 'connecting' | 'unauthorized' | 'unreachable' | 'no-provider';

export interface Banner {
  kind: BannerKind;
  title: string;
  detail: string;
}

export interface BannerInput {
  connection: 'connecting' | 'connected' | 'disconnected';
  /** The last status poll: its HTTP status, 0 when the hub did not answer at all, null before the first answer. */
  statusHttp: number | null;
  status: StatusView | null;
  hasToken: boolean;
  origin: string;
}

function list(items: readonly string[], none: string): string {
  return items.length > 0 ? items.join(', ') : none;
}

export function bannerFor(input: BannerInput): Banner | null {
  if (input.statusHttp === 401) {
    return {
      kind: 'unauthorized',
      title: 'Unauthorized',
      detail: input.hasToken
        ? 'the hub does not accept the saved token: enter a viewer or operator token'
        : 'this hub needs a viewer or operator token to show data: enter it here',
    };
  }
  if (input.statusHttp === 0 && input.connection !== 'connected') {
    return {
      kind: 'unreachable',
      title: 'Hub unreachable',
      detail: `no answer from ${input.origin}: is the hub running (npm start) and is this its address? Retrying…`,
    };
  }
  if (input.connection !== 'connected') {
    return { kind: 'connecting', title: 'Connecting…', detail: `to the hub at ${input.origin}` };
  }
  const status = input.status;
  if (status?.source === 'live' && status.providers.length === 0) {
    const ingest = status.ingest;
    const groups = list(ingest?.groups ?? [], 'no group');
    const port = ingest?.port ?? 22344;
    return {
      kind: 'no-provider',
      title: 'No JetDrive provider seen yet',
      detail:
        `listening on ${groups} port ${port}, joined on ${list(ingest?.joined ?? [], 'no interface')}. ` +
        `Is the dyno (Power Core) on and on this network? Set JETDRIVE_IFACE to the NIC on the dyno's subnet ` +
        `and allow inbound UDP ${port} in the firewall.`,
    };
  }
  return null;
}
