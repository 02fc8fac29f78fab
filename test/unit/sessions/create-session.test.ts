import { setImmediate as tick } from 'node:timers/promises';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '@jetdrive-hub/client/contract';
import { createDynoPlant } from '../../../server/sessions/create-dyno-plant.js';
import { createSession, type SessionRunOptions } from '../../../server/sessions/create-session.js';
import { parseSessionConfig } from '../../../server/sessions/session-config.js';
import { initialSessionState, reduceSession } from '../../../server/sessions/session-state.js';
import type { PlantFactory } from '../../../server/sessions/tuning-plant.js';
import { DEFAULT_TPS_STEPS } from '../../../server/sessions/tune-steps.js';

/** The real dyno plant, counting the chunks it hands out. */
function countingPlant() {
  const counter = { chunks: 0 };
  const createPlant: PlantFactory = (input) => {
    const plant = createDynoPlant(input);
    return {
      *pull(tps) {
        for (const chunk of plant.pull(tps)) {
          counter.chunks++;
          yield chunk;
        }
      },
    };
  };
  return { counter, createPlant };
}

const options = (createPlant: PlantFactory, sliceMs = 2): SessionRunOptions => ({
  createPlant,
  tpsSteps: DEFAULT_TPS_STEPS,
  sliceMs,
  now: Date.now,
});

describe('createSession', () => {
  it('is a stream created → running → … → exactly one terminal, and its state is the fold of its events', async () => {
    const { createPlant } = countingPlant();
    const session = createSession('tune_1_1', parseSessionConfig({ base_ve_scenario: 'rich' }), options(createPlant));
    // Created is emitted synchronously on creation, before anyone could watch.
    expect(session.state.status).toBe('initializing');
    expect(session.state.seq).toBe(0);
    const rest = await lastValueFrom(session.events$.pipe(toArray()));
    const final = await session.done;
    expect(rest[0].seq).toBe(1);
    expect(rest.map((e) => e.seq)).toEqual(rest.map((_, i) => i + 1));
    expect(rest[0].type).toBe('running');
    const terminals = rest.filter((e) => e.type === 'terminal');
    expect(terminals).toHaveLength(1);
    expect(rest.at(-1)).toBe(terminals[0]);
    expect(final.status).toBe('converged');
    const created: SessionEvent = {
      type: 'created',
      config: session.config,
      sessionId: 'tune_1_1',
      seq: 0,
      at: final.startedAt ?? 0,
    };
    expect([created, ...rest].reduce(reduceSession, initialSessionState('tune_1_1'))).toEqual(final);
    expect(final.iterations.length).toBe(rest.filter((e) => e.type === 'iteration').length);
  });

  it('stops in the middle of an iteration, within one chunk of simulation', async () => {
    const { counter, createPlant } = countingPlant();
    const session = createSession('tune_1_2', parseSessionConfig({ base_ve_scenario: 'lean' }), options(createPlant));
    let chunksAtStop = -1;
    session.events$.subscribe((e) => {
      if (e.type === 'progress' && e.iteration === 2 && e.message.startsWith('Pull 3/')) {
        chunksAtStop = counter.chunks;
        expect(session.stop()).toBe(true);
      }
    });
    const final = await session.done;
    expect(final.status).toBe('stopped');
    expect(final.currentIteration).toBe(2);
    expect(final.iterations).toHaveLength(1);
    expect(chunksAtStop).toBeGreaterThan(0);
    expect(counter.chunks - chunksAtStop).toBeLessThanOrEqual(1);
    expect(session.stop()).toBe(false);
  });

  it('a stop requested from outside (between slices) lands before the next chunk', async () => {
    const { counter, createPlant } = countingPlant();
    const session = createSession('tune_1_3', parseSessionConfig({}), options(createPlant, 0.1));
    while (counter.chunks < 30) await tick();
    const atStop = counter.chunks;
    session.stop();
    const final = await session.done;
    expect(final.status).toBe('stopped');
    expect(counter.chunks - atStop).toBeLessThanOrEqual(1);
  });

  it('a fault in the simulation ends the session failed with its message', async () => {
    const broken: PlantFactory = () => ({
      // biome-ignore lint/correctness/useYield: the fault is the point
      *pull() {
        throw new Error('drum encoder lost');
      },
    });
    const final = await createSession('tune_1_4', parseSessionConfig({}), options(broken)).done;
    expect(final.status).toBe('failed');
    expect(final.errorMessage).toBe('drum encoder lost');
  });

  it('releases its tables only once ended, and keeps its summary', async () => {
    const { createPlant } = countingPlant();
    const session = createSession(
      'tune_1_5',
      parseSessionConfig({ base_ve_scenario: 'perfect' }),
      options(createPlant),
    );
    expect(session.release()).toBe(false);
    const final = await session.done;
    expect(session.tables?.veFront.length).toBe(99);
    expect(session.release()).toBe(true);
    expect(session.tables).toBeNull();
    expect(session.release()).toBe(false);
    expect(session.state).toBe(final);
    expect(final.iterations).toHaveLength(1);
  });

  it('a watcher subscribing after the end gets completion, never a second run', async () => {
    const { counter, createPlant } = countingPlant();
    const session = createSession(
      'tune_1_6',
      parseSessionConfig({ base_ve_scenario: 'perfect' }),
      options(createPlant),
    );
    await session.done;
    const chunks = counter.chunks;
    expect(await lastValueFrom(session.events$.pipe(toArray()))).toEqual([]);
    await tick();
    expect(counter.chunks).toBe(chunks);
  });
});
