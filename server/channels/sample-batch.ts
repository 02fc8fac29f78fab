import type { Sample, SampleBatch } from './types.js';

/** An empty batch whose columns hold `capacity` samples (the registry fills one per datagram). */
export function createSampleBatch(capacity: number): SampleBatch {
  return {
    providerId: 0,
    receivedAt: 0,
    count: 0,
    keys: new Array<string>(capacity).fill(''),
    channelIds: new Uint16Array(capacity),
    times: new Float64Array(capacity),
    values: new Float32Array(capacity),
    providerTs: new Uint32Array(capacity),
  };
}

/** Sample i of the batch as an object (for consumers that keep samples). */
export function sampleAt(batch: SampleBatch, i: number): Sample {
  return {
    key: batch.keys[i],
    providerId: batch.providerId,
    channelId: batch.channelIds[i],
    value: batch.values[i],
    time: batch.times[i],
    providerTs: batch.providerTs[i],
  };
}

/** Every sample of the batch as objects, oldest first. */
export function toSamples(batch: SampleBatch): Sample[] {
  const out: Sample[] = new Array(batch.count);
  for (let i = 0; i < batch.count; i++) out[i] = sampleAt(batch, i);
  return out;
}
