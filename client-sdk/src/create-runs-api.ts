import type {
  ClientToServerEvents,
  HttpErrorBody,
  RecordingAlert,
  RecordingStatus,
  RunDetail,
  RunEndedEvent,
  RunListQuery,
  RunPage,
  RunStartedEvent,
  RunSummary,
  RunUpdate,
  ServerToClientEvents,
} from '@jetdrive-hub/client/contract';
import { distinctUntilChanged, map, merge, Observable } from 'rxjs';
import type { Socket } from 'socket.io-client';
import { HubError } from './hub-error.js';

/** The hub's run library (HTTP) and its run events (Socket.IO), typed. */
export interface RunsApi {
  /** One page, newest first (filters: from/to dates, provider, profile, text). */
  list(query?: RunListQuery): Promise<RunPage>;
  get(id: string): Promise<RunDetail>;
  /** The run's .mcap file and the name the hub gives it. */
  download(id: string): Promise<{ fileName: string; bytes: Uint8Array }>;
  /** Rename, notes, pin (operator token). */
  update(id: string, patch: RunUpdate): Promise<RunDetail>;
  delete(id: string): Promise<void>;
  recording(): Promise<RecordingStatus>;
  startRecording(name?: string): Promise<RecordingStatus>;
  stopRecording(): Promise<RecordingStatus>;
  readonly started$: Observable<RunStartedEvent>;
  readonly ended$: Observable<RunEndedEvent>;
  /** The library's first page whenever a run is added, changed or removed. */
  readonly changed$: Observable<RunSummary[]>;
  /** Recording stopped (disk full, write error) or resumed. */
  readonly alerts$: Observable<RecordingAlert>;
  /** The recording indicator: true from run:started to run:ended (events after this subscribed). */
  readonly recording$: Observable<boolean>;
}

function fromSocket<K extends 'run:started' | 'run:ended' | 'runs:changed' | 'recording:alert'>(
  socket: Socket<ServerToClientEvents, ClientToServerEvents>,
  event: K,
): Observable<Parameters<ServerToClientEvents[K]>[0]> {
  return new Observable((subscriber) => {
    const on = (payload: Parameters<ServerToClientEvents[K]>[0]) => subscriber.next(payload);
    const s = socket as unknown as { on(e: string, f: typeof on): void; off(e: string, f: typeof on): void };
    s.on(event, on);
    return () => s.off(event, on);
  });
}

/** http(s) base of a hub URL given as http(s):// or ws(s)://. */
export function httpBase(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'ws:') u.protocol = 'http:';
  if (u.protocol === 'wss:') u.protocol = 'https:';
  return u.origin;
}

export function createRunsApi(deps: {
  url: string;
  token?: string;
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  fetch?: typeof fetch;
}): RunsApi {
  const base = httpBase(deps.url);
  const doFetch = deps.fetch ?? fetch;
  const headers = (json: boolean): Record<string, string> => ({
    ...(deps.token ? { authorization: `Bearer ${deps.token}` } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  });

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await doFetch(`${base}${path}`, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      const error = ((await res.json().catch(() => null)) as HttpErrorBody | null)?.error;
      throw new HubError(error ?? { code: `HTTP_${res.status}`, message: `${method} ${path}: HTTP ${res.status}` });
    }
    return res;
  }
  /** The answer without the HTTP envelope's `success` (the same data as the socket commands give). */
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const { success: _, ...data } = (await (await call(method, path, body)).json()) as T & { success?: boolean };
    return data as T;
  };
  const idPath = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

  const started$ = fromSocket(deps.socket, 'run:started');
  const ended$ = fromSocket(deps.socket, 'run:ended');
  return {
    list(query = {}) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
      const qs = params.toString();
      return json<RunPage>('GET', `/api/runs${qs ? `?${qs}` : ''}`);
    },
    get: (id) => json<RunDetail>('GET', idPath(id)),
    async download(id) {
      const res = await call('GET', `${idPath(id)}/file`);
      const disposition = res.headers.get('content-disposition') ?? '';
      const star = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
      const plain = /filename="([^"]+)"/.exec(disposition)?.[1];
      const fileName = star ? decodeURIComponent(star) : (plain ?? `${id}.mcap`);
      return { fileName, bytes: new Uint8Array(await res.arrayBuffer()) };
    },
    update: (id, patch) => json<RunDetail>('PATCH', idPath(id), patch),
    async delete(id) {
      await call('DELETE', idPath(id));
    },
    recording: () => json<RecordingStatus>('GET', '/api/runs/recording'),
    startRecording: (name) =>
      json<RecordingStatus>('POST', '/api/runs/record/start', name === undefined ? {} : { name }),
    stopRecording: () => json<RecordingStatus>('POST', '/api/runs/record/stop'),
    started$,
    ended$,
    changed$: fromSocket(deps.socket, 'runs:changed'),
    alerts$: fromSocket(deps.socket, 'recording:alert'),
    recording$: merge(started$.pipe(map(() => true)), ended$.pipe(map(() => false))).pipe(distinctUntilChanged()),
  };
}
