// The dashboard's HTTP side on a running daemon (no browser): the bearer token, the event stream,
// the snapshot (the same shapes as /api/environments and /api/proxies), commit details with the
// plan, the live graph in three formats, and the errors each endpoint answers with.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { Daemon } from '../../reconciler/daemon/daemon';
import { eventually } from '../helpers/eventually';
import { GitRepo, makeGitRepo, tempDir } from '../helpers/temp-repo';

const TOKEN = 'correct horse battery staple';

/** Reads server-sent events until `count` arrived (or the time is up). */
function readEvents(url: string, headers: Record<string, string>, count: number, timeoutMs = 10_000): Promise<{ status: number; type: string; events: Array<{ event: string; data: string }> }> {
  return new Promise((resolve, reject) => {
    const events: Array<{ event: string; data: string }> = [];
    const request = http.get(url, { headers }, (response) => {
      let buffer = '';
      const done = () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), events });
      };
      if (response.statusCode !== 200) return done();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) events.push({ event, data });
          if (events.length >= count) return done();
        }
      });
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`${events.length} of ${count} events within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', () => undefined);
  });
}

describe('dashboard HTTP endpoints', function () {
  this.timeout(60_000);
  let repo: GitRepo;
  let dataDir: string;
  let daemon: Daemon;
  let first: string;
  let second: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  const settled = (commit: string) =>
    eventually(`sync on ${commit.slice(0, 7)}`, () => {
      const status = daemon.book.get(commit)?.statuses.find((s) => s.context === 'meshplane/apps/sync');
      return status && status.state !== 'pending' ? status : undefined;
    }, 30_000);

  before(async () => {
    repo = makeGitRepo();
    first = repo.head();
    dataDir = tempDir('meshplane-dashboard-api-');
    daemon = await Daemon.start({ repo: repo.dir, dataDir, xdsListen: '127.0.0.1:0', httpListen: '127.0.0.1:0', ackTimeoutMs: 2000, variables: { MESHPLANE_DASHBOARD_TOKEN: TOKEN } });
    await settled(first);
    second = repo.commit('add serviceC', { 'environments/apps/extra.yaml': 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: serviceC\nspec: {}\n' });
    await settled(second);
  });

  after(async () => {
    await daemon?.stop();
    repo?.remove();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('needs the token: refused without it, kept in a cookie after ?token=, accepted as a bearer token', async () => {
    const page = await fetch(`${daemon.httpUrl}/dashboard`);
    assert.equal(page.status, 401);
    assert.match(await page.text(), /MESHPLANE_DASHBOARD_TOKEN: open \/dashboard\?token=<token> once/);
    for (const path of ['/api/events', '/api/dashboard/snapshot', '/api/graph/apps', `/api/dashboard/commits/${first}`, '/dashboard/assets/app.js']) {
      const response = await fetch(`${daemon.httpUrl}${path}`, { headers: { authorization: 'Bearer wrong' } });
      assert.equal(response.status, 401, path);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="meshplane dashboard"');
    }
    const login = await fetch(`${daemon.httpUrl}/dashboard?token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
    assert.equal(login.status, 303);
    assert.equal(login.headers.get('location'), '/dashboard');
    const cookie = login.headers.get('set-cookie')!;
    assert.match(cookie, /^meshplane_dashboard=.+; Path=\/; HttpOnly; SameSite=Strict$/);
    const withCookie = await fetch(`${daemon.httpUrl}/dashboard`, { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(withCookie.status, 200);
    const html = await withCookie.text();
    assert.match(html, /<script src="\/dashboard\/assets\/app.js"><\/script>/);
    assert.ok(!/https?:\/\//.test(html.replace(/<footer>[\s\S]*<\/footer>/, '')), 'the page loads nothing from elsewhere');
    const script = await fetch(`${daemon.httpUrl}/dashboard/assets/app.js`, { headers: auth });
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await fetch(`${daemon.httpUrl}/dashboard/assets/nope.js`, { headers: auth })).status, 404);
    assert.equal((await fetch(`${daemon.httpUrl}/dashboard/assets/..%2Fdashboard-routes.ts`, { headers: auth })).status, 404);
    // The daemon's own endpoints keep working as before (health probes, webhooks).
    assert.equal((await fetch(`${daemon.httpUrl}/healthz`)).status, 200);
  });

  it('streams snapshots with the environments, proxies and the commit pipeline', async () => {
    const stream = await readEvents(`${daemon.httpUrl}/api/events`, auth, 1);
    assert.equal(stream.status, 200);
    assert.equal(stream.type, 'text/event-stream; charset=utf-8');
    const snapshot = JSON.parse(stream.events[0].data);
    assert.equal(stream.events[0].event, 'snapshot');
    const api = (await (await fetch(`${daemon.httpUrl}/api/environments`)).json()) as { environments: unknown[] };
    assert.deepEqual(Object.keys(snapshot.environments[0]).sort(), Object.keys(api.environments[0] as object).sort(), 'the same shape as /api/environments');
    assert.equal(snapshot.environments[0].live.commit, second);
    assert.deepEqual(snapshot.proxies, []);
    assert.deepEqual(snapshot.commits.map((c: { commit: string }) => c.commit), [second, first]);
    const newest = snapshot.commits[0];
    assert.equal(newest.subject, 'add serviceC');
    assert.deepEqual(newest.statuses.map((s: { context: string; state: string }) => `${s.context}=${s.state}`).slice(0, 4), [
      'meshplane/apps/validate=success',
      'meshplane/apps/plan=success',
      'meshplane/apps/apply=success',
      'meshplane/apps/sync=success',
    ]);
    const once = (await (await fetch(`${daemon.httpUrl}/api/dashboard/snapshot`, { headers: auth })).json()) as {
      commits: unknown[];
      replicas: { backend: string; leader: boolean; replicaId: string; leaderId?: string; store: { reachable: boolean } };
    };
    assert.equal(once.commits.length, 2);
    assert.equal(once.replicas.backend, 'embedded');
    assert.equal(once.replicas.leader, true, 'a single embedded replica leads');
    assert.equal(once.replicas.store.reachable, true);
  });

  it('answers a commit with its statuses and the plan applied for it', async () => {
    const response = await fetch(`${daemon.httpUrl}/api/dashboard/commits/${second.slice(0, 10)}`, { headers: auth });
    assert.equal(response.status, 200);
    const detail = (await response.json()) as { commit: string; statuses: unknown[]; plans: Array<{ environment: string; revision: number; text: string; plan: { changes: Array<{ action: string; kind: string; meshName: string; name: string }>; affectedProxies: string[] } }> };
    assert.equal(detail.commit, second);
    assert.equal(detail.plans.length, 1);
    assert.equal(detail.plans[0].revision, 2);
    assert.deepEqual(detail.plans[0].plan.changes.map((c) => `${c.action} ${c.kind}/${c.meshName}/${c.name}`), ['create VirtualNode/apps/serviceC']);
    assert.match(detail.plans[0].text, /\+ VirtualNode apps\/serviceC/);
    const missing = await fetch(`${daemon.httpUrl}/api/dashboard/commits/0000000000`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /has not reconciled it/);
  });

  it('draws the live mesh as SVG, Mermaid or DOT, and says what is wrong otherwise', async () => {
    const svg = await fetch(`${daemon.httpUrl}/api/graph/apps`, { headers: auth });
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(await svg.text(), /data-id="VirtualNode\/apps\/serviceC"/);
    assert.match(await (await fetch(`${daemon.httpUrl}/api/graph/apps?format=mermaid`, { headers: auth })).text(), /^flowchart LR/);
    assert.match(await (await fetch(`${daemon.httpUrl}/api/graph/apps?format=dot`, { headers: auth })).text(), /^digraph mesh/);
    const format = await fetch(`${daemon.httpUrl}/api/graph/apps?format=png`, { headers: auth });
    assert.equal(format.status, 400);
    const unknown = await fetch(`${daemon.httpUrl}/api/graph/nope`, { headers: auth });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /no environment "nope" is served by this daemon; environments: apps\./);
  });
});
