import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../../server/auth/bearer-token.js';
import { roleOfCommand, SOCKET_COMMAND_ROLES } from '../../../server/auth/socket-command-roles.js';
import { tokensEqual } from '../../../server/auth/tokens-equal.js';
import { defaultPublicPaths, roleOfRequest } from '../../../server/http/authorize.js';

describe('roleOfRequest', () => {
  it.each([
    ['GET', '/api/jetdrive/status', 'viewer'],
    ['HEAD', '/metrics', 'viewer'],
    ['GET', '/health', null],
    ['GET', '/ready', null],
    ['GET', '/', null],
    ['GET', '/dashboard/app-ABC.js', null],
    ['OPTIONS', '/api/jetdrive/simulator/start', null],
    ['POST', '/api/jetdrive/simulator/start', 'operator'],
    ['PUT', '/api/jetdrive/mapping/x', 'operator'],
    ['DELETE', '/api/jetdrive/mapping/x', 'operator'],
    ['PATCH', '/anything', 'operator'],
    // A write to a public path is still a write.
    ['POST', '/health', 'operator'],
  ])('%s %s needs %s', (method, path, role) => {
    expect(roleOfRequest(method, path, defaultPublicPaths)).toBe(role);
  });
});

describe('socket command roles', () => {
  it('control commands need the operator, reads the viewer, unknown events the operator', () => {
    expect(
      Object.entries(SOCKET_COMMAND_ROLES)
        .filter(([, r]) => r === 'operator')
        .map(([e]) => e)
        .sort(),
    ).toEqual([
      'analysis:add-runs',
      'analysis:delete',
      'analysis:reset',
      'analysis:start',
      'analysis:stop',
      'recording:start',
      'recording:stop',
      'replay:pause',
      'replay:resume',
      'replay:seek',
      'replay:start',
      'replay:stop',
      'run:delete',
      'run:update',
      'session:cleanup',
      'session:start',
      'session:stop',
    ]);
    expect(roleOfCommand('channel:subscribe')).toBe('viewer');
    expect(roleOfCommand('dyno:brake')).toBe('operator');
    expect(roleOfCommand('__proto__')).toBe('operator');
    expect(roleOfCommand('toString')).toBe('operator');
  });
});

describe('bearerToken and tokensEqual', () => {
  it('parses only the Bearer scheme', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares whole tokens whatever their lengths', () => {
    expect(tokensEqual('same-token', 'same-token')).toBe(true);
    expect(tokensEqual('same-token', 'same-tokeN')).toBe(false);
    expect(tokensEqual('short', 'a-much-longer-token')).toBe(false);
    expect(tokensEqual('', 'x')).toBe(false);
  });
});
