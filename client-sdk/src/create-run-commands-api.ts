import type { RecordingStatus, RunDetail, RunListQuery, RunPage, RunUpdate } from '@jetdrive-hub/client/contract';
import type { SocketApiDeps } from './create-sessions-api.js';

/**
 * The run library and manual recording as Socket.IO commands (`run:list`, `run:get`, `run:update`, `run:delete`,
 * `recording:status|start|stop`): the same answers and errors as the HTTP routes, over the connection the client
 * already has (one port, one token; no HTTP round trips from a script that lives on socket events). Files (download,
 * upload) stay on HTTP. Part of `hub.runs` as `hub.runs.socket`.
 */
export interface RunCommandsApi {
  list(query?: RunListQuery): Promise<RunPage>;
  get(id: string): Promise<RunDetail>;
  /** Rename, notes, pin (operator token). */
  update(id: string, patch: RunUpdate): Promise<RunDetail>;
  /** Operator token. */
  delete(id: string): Promise<void>;
  recording(): Promise<RecordingStatus>;
  /** Operator token. */
  startRecording(name?: string): Promise<RecordingStatus>;
  stopRecording(): Promise<RecordingStatus>;
}

export function createRunCommandsApi(deps: SocketApiDeps): RunCommandsApi {
  const { socket, request, requestTimeoutMs } = deps;
  const timed = () => socket.timeout(requestTimeoutMs);
  return {
    list: (query = {}) => request<RunPage>((ack) => timed().emit('run:list', query, ack)),
    get: (id) => request<RunDetail>((ack) => timed().emit('run:get', id, ack)),
    update: (id, patch) => request<RunDetail>((ack) => timed().emit('run:update', { id, ...patch }, ack)),
    async delete(id) {
      await request<{ id: string }>((ack) => timed().emit('run:delete', id, ack));
    },
    recording: () => request<RecordingStatus>((ack) => timed().emit('recording:status', ack)),
    startRecording: (name) =>
      request<RecordingStatus>((ack) => timed().emit('recording:start', name === undefined ? {} : { name }, ack)),
    stopRecording: () => request<RecordingStatus>((ack) => timed().emit('recording:stop', ack)),
  };
}
