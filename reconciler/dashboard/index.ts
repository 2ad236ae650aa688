// The operator dashboard served by the daemon, and the proxy marks the mesh graph shows.
export { dashboardRoutes, DASHBOARD_PATH, EVENTS_PATH } from './dashboard-routes';
export type { DashboardOptions } from './dashboard-routes';
export type { CommitInfo, DashboardEnvironment, DashboardSource, EnvironmentProxyCounts } from './dashboard-source';
export type { DashboardSnapshot } from './live-state';
export { proxyMarks } from './proxy-marks';
export { TOKEN_VARIABLE } from './auth';
