// Errors the dashboard answers with: what happened, why, and what to do.
export const dashboardErrors = {
  unauthorized: () =>
    'this dashboard needs the token set in MESHPLANE_DASHBOARD_TOKEN: open /dashboard?token=<token> once in the browser (a cookie keeps it), or send "Authorization: Bearer <token>".',
  unknownEnvironment: (name: string, known: readonly string[]) =>
    `no environment "${name}" is served by this daemon; environments: ${known.join(', ') || 'none yet (nothing reconciled)'}.`,
  notApplied: (name: string) => `environment ${name} has nothing applied yet, so there is no live mesh to draw; commit a valid revision and wait for meshplane/${name}/apply.`,
  badFormat: (format: string) => `format "${format}" is not one of svg, mermaid, dot.`,
  missingAssets: (dir: string) =>
    `the dashboard's files are missing from ${dir}: the package was built without reconciler/dashboard/assets (add it to package.json "files"), or reinstall meshplane.`,
};
