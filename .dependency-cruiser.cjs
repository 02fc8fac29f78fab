// Layers point one way (README, Layout): a module may import its own layer and the ones before it, never after.
// sim/ and dashboard/ are leaves: they use the layers, and only the hub wiring uses them. log.ts serves everyone.
// shared/ holds small generic helpers (a token bucket) that every layer may import; it imports none of them.
// engine/ is the pure engine + dyno model (beside tuning, whose VE grid it uses): sessions and sim both step it.
const LAYERS = [
  ['protocol'],
  ['transport'],
  ['jetdrive'],
  ['channels'],
  ['mapping', 'tuning', 'engine', 'auth', 'curves'],
  ['realtime', 'sessions', 'ingest', 'replay', 'runs', 'analysis', 'cluster'],
  ['http'],
];
const WIRING = '^server/(hub|hub-options|main|config|preflight)\\.ts$';
const folder = (names) => `^server/(${names.join('|')})/`;

// Imports another step of issue 14 still owns: reported as warnings (CI fails on errors only) until that step lands
// and deletes its entry here, which turns them back into errors of their layer rule.
/** Imports waiting for another issue-14 step to land: none left (each would be a 'warn' rule until it did). */
const PENDING = [];
/** Folders every layer may import (generic helpers, the coded error base, atomic file writes): they import no layer. */
const BOTTOM = ['shared', 'errors', 'files'];

const layerRules = LAYERS.slice(0, -1).flatMap((layer, i) => {
  const name = `layer-${layer.join('-')}`;
  const later = [folder(LAYERS.slice(i + 1).flat()), WIRING, folder(['sim', 'dashboard'])];
  const laterNames = LAYERS.slice(i + 1).flat().join(', ');
  const comment = `${layer.join(', ')} may not import a later layer (${laterNames}) or the wiring`;
  const pending = PENDING.filter((p) => layer.some((f) => p.from.startsWith(`^server/${f}/`)));
  const rule = (from, to) => ({ name, comment, severity: 'error', from, to });
  return [
    rule({ path: folder(layer), pathNot: pending.map((p) => p.from) }, { path: later }),
    // The files with a pending import are still held to every other target of their layer rule.
    ...pending.map((p) => rule({ path: p.from }, { path: later, pathNot: p.to })),
  ];
});

const pendingRules = PENDING.map(({ name, comment, from, to }) => ({
  name,
  comment,
  severity: 'warn',
  from: { path: from },
  to: { path: to },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    ...pendingRules,
    {
      name: 'layer-http',
      comment: 'http may not import the wiring or the leaves',
      severity: 'error',
      from: { path: folder(['http']) },
      to: { path: [WIRING, folder(['sim', 'dashboard'])] },
    },
    {
      name: 'leaves',
      comment: 'sim and dashboard are used by the hub wiring only',
      severity: 'error',
      from: { path: '^server/', pathNot: [WIRING, folder(['sim']), folder(['dashboard'])] },
      to: { path: folder(['sim', 'dashboard']) },
    },
    {
      name: 'sim-is-not-dashboard',
      severity: 'error',
      from: { path: folder(['sim']) },
      to: { path: [folder(['dashboard']), folder(['http', 'realtime', 'sessions']), WIRING] },
    },
    {
      name: 'shared-is-bottom',
      comment: 'shared/, errors/ and files/ serve every layer (like log.ts) and so import none of them',
      severity: 'error',
      from: { path: folder(BOTTOM) },
      to: { path: '^server/', pathNot: [folder(BOTTOM), '^server/log\\.ts$'] },
    },
    {
      name: 'curves-is-pure',
      comment: 'curves (run analysis) is pure like tuning: no Node built-ins (I/O, timers) and no packages but the contract',
      severity: 'error',
      from: { path: folder(['curves']) },
      to: {
        dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot: '^client-sdk/src/contract/',
      },
    },
    {
      name: 'pure-layers',
      comment: 'protocol, tuning and engine are pure: no Node built-ins (I/O, timers) and no packages',
      severity: 'error',
      from: { path: folder(['protocol', 'tuning', 'engine']) },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'contract-by-package-name',
      comment: 'the server reaches the SDK only by its package name (@jetdrive-hub/client/...), never by a path',
      severity: 'error',
      from: { path: '^server/' },
      // A package-name import resolves through the workspace symlink to the same files; dependency-cruiser marks it
      // 'aliased-workspace' (and also 'local'), a relative path only 'local'.
      to: { path: '^client-sdk/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased-workspace'] },
    },
    {
      name: 'sdk-has-no-server',
      comment: 'the client SDK is its own package: it may not import the server',
      severity: 'error',
      from: { path: '^client-sdk/' },
      to: { path: '^server/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
