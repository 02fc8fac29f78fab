import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from '../../../server/protocol/index.js';
import { AnswerLimiter } from '../../../server/sim/answer-limiter.js';
import { classifyRequest } from '../../../server/sim/classify-request.js';

describe('AnswerLimiter', () => {
  it('allows maxPerWindow answers per one-second window of the provider clock', () => {
    let now = 0;
    const limiter = new AnswerLimiter(2, () => now);
    expect([limiter.tryAnswer(), limiter.tryAnswer(), limiter.tryAnswer()]).toEqual([true, true, false]);
    now = 999;
    expect(limiter.tryAnswer()).toBe(false);
    now = 1000;
    expect([limiter.tryAnswer(), limiter.tryAnswer(), limiter.tryAnswer()]).toEqual([true, true, false]);
  });

  it('starts a new window when the clock goes backwards (a wrapped or restarted provider clock)', () => {
    let now = 5000;
    const limiter = new AnswerLimiter(1, () => now);
    expect([limiter.tryAnswer(), limiter.tryAnswer()]).toEqual([true, false]);
    now = 10;
    expect(limiter.tryAnswer()).toBe(true);
  });
});

function frame(type: 'Ping' | 'RequestChannelInfo' | 'ClearChannelInfo', host: number, destination: number) {
  const common = { host, seq: 0, destination, trailingBytes: 0, partialRecordBytes: 0, extraValueBytes: 0 };
  if (type === 'Ping')
    return { type, key: 0x04, version: 1, hostTs: 0, echo: new Uint8Array(), ...common } as DecodedFrame;
  if (type === 'RequestChannelInfo') return { type, key: 0x06, ...common } as DecodedFrame;
  return { type, key: 0x03, ...common } as DecodedFrame;
}

describe('classifyRequest', () => {
  const me = 0x1234;
  it('answers Pings and RequestChannelInfo addressed to us or to all hosts', () => {
    expect(classifyRequest(frame('Ping', 7, me), me)).toBe('ping');
    expect(classifyRequest(frame('Ping', 7, 0xffff), me)).toBe('ping');
    expect(classifyRequest(frame('RequestChannelInfo', 7, 0xffff), me)).toBe('info');
  });

  it('ignores other destinations, other message types, ALL_HOSTS as sender and our own looped-back multicast', () => {
    expect(classifyRequest(frame('Ping', 7, 8), me)).toBe('ignore');
    expect(classifyRequest(frame('ClearChannelInfo', 7, me), me)).toBe('ignore');
    expect(classifyRequest(frame('Ping', 0xffff, me), me)).toBe('ignore');
    expect(classifyRequest(frame('Ping', me, 0xffff), me)).toBe('ignore');
  });

  it('calls our id as host and destination a collision', () => {
    expect(classifyRequest(frame('ClearChannelInfo', me, me), me)).toBe('collision');
  });
});
