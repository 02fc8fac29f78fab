export {
  buildDashboard,
  cachedDashboardBuild,
  type DashboardAsset,
  type DashboardBuildOptions,
  type DashboardBundle,
  DEFAULT_DASHBOARD_BUILD_OPTIONS,
} from './build-dashboard.js';
export { createDashboardRouter, type DashboardOptions, DEFAULT_DASHBOARD_OPTIONS } from './create-dashboard-router.js';
export { DASHBOARD_ERROR_STATUS, DashboardError, type DashboardErrorCode } from './dashboard-error.js';
