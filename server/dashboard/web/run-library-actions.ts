import type { RecordingStatus, RunPage } from '@jetdrive-hub/client';
import { authHeaders } from './create-token-field.js';

// The run library's HTTP calls, with the token the operator saved last (reads need it only on hubs with a viewer token).

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const error = ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error;
    throw new Error(error?.message ?? `HTTP ${res.status}`);
  }
  return res;
}

export const runActions = {
  list: async (): Promise<RunPage> => (await call('GET', '/api/runs?limit=50')).json() as Promise<RunPage>,
  recording: async (): Promise<RecordingStatus> =>
    (await call('GET', '/api/runs/recording')).json() as Promise<RecordingStatus>,
  rename: (id: string, name: string) => call('PATCH', `/api/runs/${id}`, { name }),
  pin: (id: string, pinned: boolean) => call('PATCH', `/api/runs/${id}`, { pinned }),
  remove: (id: string) => call('DELETE', `/api/runs/${id}`),
  /** Saves the .mcap through the browser, under the name the hub gives it. */
  async download(id: string): Promise<void> {
    const res = await call('GET', `/api/runs/${id}/file`);
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
    const name = star ? decodeURIComponent(star) : `${id}.mcap`;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
