import { parentPort } from 'node:worker_threads';
import { type JournalRequest, JournalEncoders, transferablesOf } from './journal-requests.js';

// The journal worker thread (started by journal-thread.ts): encodes the recorder's requests in order and answers
// each with the bytes to append. It holds no file: the main thread writes them through its RunFileSystem.

const port = parentPort;
if (!port) throw new Error('journal-worker.ts runs as a worker thread (see journal-thread.ts)');
const encoders = new JournalEncoders();
// Encoding is synchronous: requests are answered one by one, in the order they came.
port.on('message', (request: JournalRequest) => {
  const answer = encoders.answer(request);
  port.postMessage(answer, transferablesOf(answer));
});
