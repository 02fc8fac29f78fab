import { describe, expect, it } from 'vitest';
import { parseConfigs, remember, type SessionConfigs } from '../../../server/dashboard/web/session-configs.js';

const config = { engine_profile: 'm8_131', base_ve_scenario: 'rich', max_iterations: 5 };

describe('session configs', () => {
  it('remembers the newest sessions, at most max', () => {
    const configs: SessionConfigs = new Map();
    for (const id of ['a', 'b', 'c']) remember(configs, id, config, 2);
    expect([...configs.keys()]).toEqual(['b', 'c']);
    remember(configs, 'b', config, 2);
    expect([...configs.keys()]).toEqual(['c', 'b']);
  });

  it('reads back what it stored and forgets damaged entries', () => {
    const stored = JSON.stringify([['a', config], ['b', { engine_profile: 7 }], 'junk']);
    expect([...parseConfigs(stored)]).toEqual([['a', config]]);
    expect(parseConfigs('{not json').size).toBe(0);
    expect(parseConfigs(null).size).toBe(0);
  });
});
