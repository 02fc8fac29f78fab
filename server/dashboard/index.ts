export {
  buildDashboard,
  cachedDashboardBuild,
  DEFAULT_DASHBOARD_BUILD_OPTIONS,
  type DashboardAsset,
  type DashboardBuildOptions,
  type DashboardBundle,
} from './build-dashboard.js';
export { createDashboardRouter, DEFAULT_DASHBOARD_OPTIONS, type DashboardOptions } from './create-dashboard-router.js';
export { DASHBOARD_ERROR_STATUS, DashboardError, type DashboardErrorCode } from './dashboard-error.js';
