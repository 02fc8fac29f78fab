// Layers point one way (README, Layout): a module may import its own layer and the ones before it, never after.
// sim/ and dashboard/ are leaves: they use the layers, and only the hub wiring uses them. log.ts serves everyone.
const LAYERS = [
  ['protocol'],
  ['transport'],
  ['jetdrive'],
  ['channels'],
  ['mapping', 'tuning', 'auth'],
  ['realtime', 'sessions', 'ingest', 'runs', 'analysis', 'cluster'],
  ['http'],
];
const WIRING = '^server/(hub|main|config)\\.ts$';
const folder = (names) => `^server/(${names.join('|')})/`;

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.join('-')}`,
  comment: `${layer.join(', ')} may not import a later layer (${LAYERS.slice(i + 1).flat().join(', ')}) or the wiring`,
  severity: 'error',
  from: { path: folder(layer) },
  to: { path: [folder(LAYERS.slice(i + 1).flat()), WIRING, folder(['sim', 'dashboard'])] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
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
