// RFC 6761 §6.4 for test processes: names under the reserved `.invalid` TLD fail at once with ENOTFOUND, as the RFC
// says name resolution APIs should, instead of asking the machine's DNS server. Tests use such names for "a host
// that does not resolve"; without this each asked a server off this machine (traffic leaving it) and, in the CI's
// network namespace where no server answers, waited ~6 s for the resolver's timeout.
// Plain JavaScript so any Node child can load it (`NODE_OPTIONS=--import <this file>`), tsx or not.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const isInvalid = (hostname) => typeof hostname === 'string' && /(^|\.)invalid\.?$/i.test(hostname);

function notFound(hostname) {
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  error.errno = -3008; // UV_EAI_NONAME, what getaddrinfo gives for an unknown name
  error.syscall = 'getaddrinfo';
  error.hostname = hostname;
  return error;
}

const lookup = dns.lookup;
dns.lookup = function invalidAwareLookup(hostname, options, callback) {
  if (!isInvalid(hostname)) return lookup.call(this, hostname, options, callback);
  const done = typeof options === 'function' ? options : callback;
  process.nextTick(() => done(notFound(hostname)));
  return {};
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = (hostname, options) =>
  isInvalid(hostname) ? Promise.reject(notFound(hostname)) : promisesLookup(hostname, options);
syncBuiltinESMExports();
