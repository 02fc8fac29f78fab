import { describe, expect, it } from 'vitest';
import { createSimulatorOrigin } from '../../../server/sim/index.js';

const provider = (hostId: number, name: string, port: number) => ({ hostId, name, address: '127.0.0.1', port });

describe('createSimulatorOrigin', () => {
  const ourRun = [
    { name: 'Simulated Dyno', hostId: 0x1111 },
    { name: 'Atmospheric Probe', hostId: 0x2222 },
  ];
  const all = [
    provider(0x1111, 'Simulated Dyno', 40001),
    provider(0x2222, 'Atmospheric Probe', 40001),
    provider(0x3333, 'Simulated Dyno', 40002),
    provider(0x4444, 'Atmospheric Probe', 40002),
    // A real probe: named like the simulated one, but not on a simulated dyno's socket.
    provider(0x5555, 'Atmospheric Probe', 50000),
    provider(0x6666, 'Power Core', 50001),
  ];

  it("tells this hub's simulator, another hub's and real providers apart", () => {
    let providers = ourRun;
    const origin = createSimulatorOrigin({ status: () => ({ providers }) } as never);
    expect(all.map((p) => origin.originOf(p, all))).toEqual([
      'this_hub',
      'this_hub',
      'another_hub',
      'another_hub',
      null,
      null,
    ]);
    // After our simulator stops, its providers (offline for a while) are still ours.
    providers = [];
    expect(origin.originOf(all[0], all)).toBe('this_hub');
  });

  it('without a simulator of its own, every simulated provider is another hub’s', () => {
    const origin = createSimulatorOrigin(null);
    expect(all.map((p) => origin.originOf(p, all))).toEqual([
      'another_hub',
      'another_hub',
      'another_hub',
      'another_hub',
      null,
      null,
    ]);
  });
});
