// The page a commit status links to: the commit's statuses per environment, and what each
// environment serves now. Plain HTML, no scripts.
import { CommitStatuses, parseContext } from '../status/status';
import { EnvironmentView } from './environment-view';

const STYLE = 'body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}.success{color:#1a7f37}.failure,.error{color:#cf222e}.pending{color:#9a6700}code{font-size:13px}';

export function commitPage(sha: string, statuses: CommitStatuses | undefined, environments: EnvironmentView[]): string {
  const rows = (statuses?.statuses ?? [])
    .map((s) => {
      const parsed = parseContext(s.context);
      return `<tr><td>${escape(parsed?.environment ?? s.context)}</td><td>${escape(parsed?.stage ?? '')}</td><td class="${s.state}">${s.state}</td><td>${escape(s.description)}</td><td>${escape(s.updatedAt)}</td></tr>`;
    })
    .join('\n');
  const body = statuses
    ? `<table><tr><th>environment</th><th>stage</th><th>state</th><th>description</th><th>updated</th></tr>\n${rows}</table>`
    : '<p>meshplane has set no statuses on this commit: it has not reconciled it (or it is not on the tracked branch).</p>';
  return page(`meshplane · ${statuses?.commit ?? sha}`, `<h1>commit <code>${escape(statuses?.commit ?? sha)}</code></h1>\n${body}\n<h2>environments now</h2>\n${environmentTable(environments)}\n<p><a href="/api/commits/${escape(sha)}">JSON</a> · <a href="/">index</a></p>`);
}

export function indexPage(environments: EnvironmentView[], source: unknown): string {
  return page(
    'meshplane',
    `<h1>meshplane</h1>\n${environmentTable(environments)}\n<h2>source</h2>\n<pre>${escape(JSON.stringify(source, null, 2))}</pre>\n<p>API: <a href="/api/environments">/api/environments</a> · <a href="/api/proxies">/api/proxies</a> · <a href="/metrics">/metrics</a> · <a href="/readyz">/readyz</a></p>`,
  );
}

function environmentTable(environments: EnvironmentView[]): string {
  const rows = environments
    .map((e) => {
      const live = e.live?.commit ? `<a href="/commits/${e.live.commit}"><code>${e.live.commit.slice(0, 7)}</code></a> revision ${e.live.revision}${e.live.worktree ? ' (working tree)' : ''}` : e.live ? `revision ${e.live.revision}` : 'nothing yet';
      const last = e.last ? `${escape(e.last.result)}: ${escape(e.last.description)}` : '';
      return `<tr><td>${escape(e.name)}</td><td>${live}</td><td>${e.proxies.synced}/${e.proxies.connected}${e.proxies.nacked ? `, ${e.proxies.nacked} NACKed` : ''}</td><td class="${e.drift.state}">${escape(e.drift.findings.map((f) => f.message).join('; ') || e.drift.state)}</td><td>${last}</td></tr>`;
    })
    .join('\n');
  return `<table><tr><th>environment</th><th>live</th><th>proxies synced</th><th>drift</th><th>last reconcile</th></tr>\n${rows}</table>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head><body>\n${body}\n</body></html>\n`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
