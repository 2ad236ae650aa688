// meshplane review over a real Git repository: golden comments for typical pull requests, the
// per-proxy Envoy diff naming exactly the proxies whose configuration changes, the size budget.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildReview, formatReviewMarkdown, GITHUB_COMMENT_LIMIT, REVIEW_MARKER, Review } from '../../reconciler/review';
import { runMeshplane } from '../helpers/run-meshplane';
import { REPO_ROOT } from '../helpers/paths';
import { FILES, git, makeReviewRepo, normalizeCommits, ReviewRepo, Scenario } from './review-repo';

const GOLDEN_DIR = path.join(REPO_ROOT, 'test', 'review', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('meshplane review over a real Git repository', function () {
  this.timeout(60_000);
  let fixture: ReviewRepo;
  const reviews = new Map<Scenario, Review>();

  const review = async (scenario: Scenario) => {
    let result = reviews.get(scenario);
    if (!result) {
      result = await buildReview({ repoDir: fixture.dir, base: 'main', head: scenario, terraform: { workRoot: path.join(fixture.dir, '.meshplane', 'tf') } });
      reviews.set(scenario, result);
    }
    return result;
  };

  before(() => {
    fixture = makeReviewRepo();
  });
  after(() => fixture.repo.remove());

  const goldenCases: Array<{ scenario: Scenario; exit: number }> = [
    { scenario: 'weight-change', exit: 0 },
    { scenario: 'new-route', exit: 0 },
    { scenario: 'deleted-node', exit: 1 },
    { scenario: 'tls-change', exit: 0 },
  ];
  for (const { scenario, exit } of goldenCases) {
    it(`prints the comment for a ${scenario} as in golden/${scenario}.md (UPDATE_GOLDEN=1 rewrites it)`, async () => {
      const result = await runMeshplane('review', '--repo', fixture.dir, '--base', 'main', '--head', scenario);
      assert.equal(result.code, exit, result.stderr);
      const text = normalizeCommits(result.stdout, fixture.commits);
      const golden = path.join(GOLDEN_DIR, `${scenario}.md`);
      if (UPDATE) fs.writeFileSync(golden, text);
      assert.equal(text, fs.readFileSync(golden, 'utf8'));
      assert.ok(text.startsWith(`${REVIEW_MARKER}\n`));
    });
  }

  const affected: Array<{ scenario: Scenario; proxies: string[] }> = [
    { scenario: 'weight-change', proxies: ['mesh/apps/virtualNode/serviceA'] },
    { scenario: 'new-route', proxies: ['mesh/apps/virtualNode/serviceA'] },
    { scenario: 'tls-change', proxies: ['mesh/apps/virtualNode/serviceA', 'mesh/apps/virtualNode/serviceB'] },
    { scenario: 'tags-only', proxies: [] },
  ];
  for (const { scenario, proxies } of affected) {
    it(`names exactly the proxies whose Envoy resources change: ${scenario} → [${proxies.join(', ')}]`, async () => {
      const env = (await review(scenario)).environments[0];
      assert.equal(env.envoyError, undefined);
      assert.deepEqual(
        env.proxies.map((p) => p.id),
        proxies,
      );
      for (const proxy of env.proxies) assert.ok(proxy.resources.length > 0, `${proxy.id} is listed without a changed resource`);
    });
  }

  it('shows the weight change as the route entry of the egress route table, nothing else', async () => {
    const [proxy] = (await review('weight-change')).environments[0].proxies;
    assert.deepEqual(proxy.resources, [
      {
        type: 'RouteConfiguration',
        name: 'rds_egress_http2_80',
        change: 'changed',
        entries: [
          {
            label: 'serviceb.apps.local:80 › serviceB',
            change: 'changed',
            headline: 'prefix / → cds_egress_apps_serviceB_http2_80 (weight 50), cds_egress_apps_serviceBv2_http2_80 (weight 50) · timeout 15s · idle timeout 300s · 2 retries on connect-failure,refused-stream,reset,unavailable,retriable-status-codes (503)',
            facts: [
              { field: 'weight of cds_egress_apps_serviceB_http2_80', before: '75', after: '50' },
              { field: 'weight of cds_egress_apps_serviceBv2_http2_80', before: '25', after: '50' },
            ],
          },
        ],
      },
    ]);
  });

  it('shows a new route with its match, target, timeout and retries', async () => {
    const [proxy] = (await review('new-route')).environments[0].proxies;
    const added = proxy.resources.flatMap((r) => r.entries).filter((e) => e.change === 'added');
    assert.equal(added.length, 1);
    assert.match(added[0].label, /serviceB-v2$/);
    assert.match(added[0].headline, /^prefix \/v2 → cds_egress_apps_serviceBv2_http2_80 · timeout 5s · .*3 retries on .*5xx.* · per-try timeout 1s/);
  });

  it('blocks the deletion of a node still targeted: an error in the plan and in validation, no Envoy diff', async () => {
    const env = (await review('deleted-node')).environments[0];
    assert.equal(env.valid, false);
    assert.ok(env.plan.diagnostics.some((d) => d.severity === 'error' && d.code === 'PLAN-IN-USE' && d.file === 'environments/apps/routing.yaml'));
    assert.match(env.envoyError ?? '', /validation errors/);
  });

  it('shows TLS turned on: the client clusters of serviceA and the listener of serviceB', async () => {
    const env = (await review('tls-change')).environments[0];
    const [a, b] = env.proxies;
    assert.deepEqual(
      a.resources.map((r) => `${r.type} ${r.name}`),
      ['Cluster cds_egress_apps_serviceB_http2_80', 'Cluster cds_egress_apps_serviceBv2_http2_80'],
    );
    assert.ok(a.resources[0].entries[0].facts.some((f) => f.field.endsWith('trusted_ca.filename') && f.after === '/certs/ca.pem' && f.before === undefined));
    assert.deepEqual(
      b.resources.map((r) => `${r.type} ${r.name}`),
      ['Listener lds_ingress_0.0.0.0_15000'],
    );
    assert.ok(b.resources[0].entries.some((e) => e.facts.some((f) => f.field.endsWith('certificate_chain.filename') && f.after === '/certs/serviceb.pem')));
  });

  it('--format json carries the same review', async () => {
    const result = await runMeshplane('review', '--repo', fixture.dir, '--base', 'main', '--head', 'weight-change', '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.head.commit, fixture.commits['weight-change']);
    assert.deepEqual(json.environments[0].plan.summary, { create: 0, update: 1, delete: 0, replace: 0 });
    assert.deepEqual(json.environments[0].proxies[0].resources[0].entries[0].facts[0], { field: 'weight of cds_egress_apps_serviceB_http2_80', before: '75', after: '50' });
  });

  it('collapses the largest sections first, then leaves sections out with a note, never exceeding the limit', async () => {
    const full = formatReviewMarkdown(await review('tls-change'));
    assert.ok(full.length < 20_000 && !full.includes('collapsed'));
    const collapsed = formatReviewMarkdown(await review('tls-change'), { limit: Math.floor(full.length * 0.7) });
    assert.ok(collapsed.length <= Math.floor(full.length * 0.7));
    assert.match(collapsed, /Some sections are collapsed to summaries/);
    assert.match(collapsed, /\n- <b>mesh\/apps\/virtualNode\/serviceA<\/b>: 2 resources changed: `~ Cluster cds_egress_apps_serviceB_http2_80`, `~ Cluster cds_egress_apps_serviceBv2_http2_80`\n/);
    const truncated = formatReviewMarkdown(await review('tls-change'), { limit: 1000, fullReviewUrl: 'https://ci.example/job/1' });
    assert.ok(truncated.length <= 1000, `${truncated.length} characters`);
    assert.ok(truncated.startsWith(REVIEW_MARKER));
    assert.match(truncated, /\*\*Truncated:\*\* \d+ more sections? did not fit .* the complete review is in the \[job log\]\(https:\/\/ci\.example\/job\/1\)/);
  });

  it('keeps a review of a large change within GitHub’s 65,536-character comment limit', async () => {
    const nodes = Array.from({ length: 300 }, (_, i) =>
      `kind: VirtualNode\nmeshName: apps\nvirtualNodeName: client${i}\nspec:\n  listeners:\n    - portMapping: {port: 8080, protocol: http}\n  serviceDiscovery:\n    dns: {hostname: client${i}.apps.local}\n  backends:\n    - virtualService: {virtualServiceName: serviceb.apps.local}\n`,
    ).join('---\n');
    git(fixture.dir, 'checkout', '-q', '-b', 'many-clients', 'main');
    fixture.repo.write('environments/apps/clients.yaml', nodes);
    fixture.repo.write(FILES.environment, 'account: "111122223333"\nregion: us-west-2\nquotas: {virtualNodesPerMesh: 400}\n');
    git(fixture.dir, 'add', '-A');
    git(fixture.dir, 'commit', '-q', '-m', 'three hundred clients');
    git(fixture.dir, 'checkout', '-q', 'main');
    const big = await buildReview({ repoDir: fixture.dir, base: 'main', head: 'many-clients', terraform: { workRoot: path.join(fixture.dir, '.meshplane', 'tf') } });
    assert.equal(big.environments[0].proxies.length, 300);
    const text = formatReviewMarkdown(big);
    assert.ok(text.length <= GITHUB_COMMENT_LIMIT, `${text.length} characters`);
    assert.match(text, /collapsed to summaries|Truncated/);
  });

  it('reviews an environment deleted in the head: everything destroyed, every proxy removed', async () => {
    git(fixture.dir, 'checkout', '-q', '-b', 'no-apps', 'main');
    git(fixture.dir, 'rm', '-q', '-r', 'environments/apps');
    fixture.repo.write('environments/other/environment.yaml', 'account: "111122223333"\nregion: us-west-2\n');
    git(fixture.dir, 'add', '-A');
    git(fixture.dir, 'commit', '-q', '-m', 'retire apps');
    git(fixture.dir, 'checkout', '-q', 'main');
    const result = await buildReview({ repoDir: fixture.dir, base: 'main', head: 'no-apps', environments: ['apps'], terraform: { workRoot: path.join(fixture.dir, '.meshplane', 'tf') } });
    const env = result.environments[0];
    assert.deepEqual([env.inBase, env.inHead, env.valid], [true, false, true]);
    assert.equal(env.plan.summary.delete, 7, "mesh, 3 nodes, router, route, virtual service");
    assert.deepEqual(
      env.proxies.map((p) => `${p.change} ${p.id}`),
      ['removed mesh/apps/virtualNode/serviceA', 'removed mesh/apps/virtualNode/serviceB', 'removed mesh/apps/virtualNode/serviceBv2'],
    );
    assert.ok(env.proxies.every((p) => p.resources.every((r) => r.change === 'removed')));
    assert.match(formatReviewMarkdown(result), /#### Validation of the head\n\nThe environment is deleted in the head\./);
  });

  it('refuses unknown environments and refs with a message, exit 1', async () => {
    const env = await runMeshplane('review', '--repo', fixture.dir, '--base', 'main', '--head', 'weight-change', '--env', 'nope');
    assert.equal(env.code, 1);
    assert.match(env.stderr, /environment "nope" exists in neither main nor weight-change; environments there: apps/);
    const ref = await runMeshplane('review', '--repo', fixture.dir, '--base', 'main', '--head', 'no-such-branch');
    assert.equal(ref.code, 1);
    assert.match(ref.stderr, /"no-such-branch" does not name a commit/);
  });
});
