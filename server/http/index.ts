// The HTTP layer as the hub wiring uses it: the Koa app, its server, and the shapes it asks the rest of the hub for.
export { createHttpApp, type HttpApp, type HttpRoute } from './create-http-app.js';
export { createRelayedRequestDispatcher } from './dispatch-relayed-request.js';
export { closeServer, createHttpServer, type ListenOptions, listen } from './listen.js';
export { createAnalysisRouter } from './routes/analysis-router.js';
export { createReplayRouter } from './routes/replay-router.js';
export { RunAnalysisCache } from './routes/run-analysis-cache.js';
export { createRunAnalysisRouter } from './routes/run-analysis-router.js';
export { createRunsRouter, isRunFileRequest, type RunsRouterDeps } from './routes/runs-router.js';
export { createVirtualTuneRouter } from './routes/virtual-tune-router.js';
export type { SimulatorControl, SimulatorStatus } from './simulator-control.js';
export type {
  DataSource,
  GatewayStats,
  HttpAppDeps,
  HttpAuth,
  IngestStatus,
  IngestStatusSource,
  MetricsSources,
  RunsStats,
  SessionStats,
} from './types.js';
