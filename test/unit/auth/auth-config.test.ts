import { describe, expect, it } from 'vitest';
import { helpText, loadConfig } from '../../../server/config.js';

describe('authorization and limit settings in the config', () => {
  it('defaults: no tokens configured (operator token generated at start), open reading, documented limits', () => {
    expect(loadConfig([], {})).toMatchObject({
      operatorToken: null,
      viewerToken: null,
      controlRatePerMin: 120,
      controlBurst: 30,
      maxViewers: 500,
    });
  });

  it('reads tokens and limits from the environment, and --max-viewers from a flag', () => {
    const c = loadConfig(['--max-viewers', '50'], {
      HUB_OPERATOR_TOKEN: ' operator-token-from-env-1234 ',
      HUB_VIEWER_TOKEN: 'viewer-token-from-env-1234',
      HUB_CONTROL_RATE_PER_MIN: '30',
      HUB_CONTROL_BURST: '5',
      HUB_MAX_VIEWERS: '20',
    });
    expect(c).toMatchObject({
      operatorToken: 'operator-token-from-env-1234',
      viewerToken: 'viewer-token-from-env-1234',
      controlRatePerMin: 30,
      controlBurst: 5,
      maxViewers: 50,
    });
  });

  it('refuses weak or unusable tokens and nonsense limits, naming the field', () => {
    expect(() => loadConfig([], { HUB_OPERATOR_TOKEN: 'short' })).toThrow(/operatorToken: must be at least 16/);
    expect(() => loadConfig([], { HUB_VIEWER_TOKEN: 'has a space in the middle' })).toThrow(
      /viewerToken: must be printable ASCII/,
    );
    expect(() => loadConfig([], { HUB_CONTROL_BURST: '0' })).toThrow(/controlBurst/);
    expect(() => loadConfig([], { HUB_MAX_VIEWERS: 'many' })).toThrow(/maxViewers/);
  });

  it('has no token flags (they would show in ps) and says where tokens come from', () => {
    expect(() => loadConfig(['--operator-token', 'x'.repeat(20)], {})).toThrow(/unknown option/);
    expect(helpText()).toMatch(/HUB_OPERATOR_TOKEN/);
    expect(helpText()).toMatch(/HUB_VIEWER_TOKEN/);
  });
});
