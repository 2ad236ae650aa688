import * as assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { PushEvent } from '../../reconciler/webhook/push-event';
import { ReplayGuard } from '../../reconciler/webhook/replay-guard';
import { createWebhookHandler, WEBHOOK_PATH } from '../../reconciler/webhook/webhook-handler';

const SECRET = 's3cr3t-value';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

/** A fresh delivery id in the header of the forge the headers name, as every forge sends one. */
function withDeliveryId(headers: Record<string, string> = {}): Record<string, string> {
  const header = headers['x-gitea-event'] ? 'x-gitea-delivery' : headers['x-gitlab-event'] ? 'x-gitlab-event-uuid' : 'x-github-delivery';
  return header in headers ? headers : { [header]: randomUUID(), ...headers };
}

function githubPush(ref = 'refs/heads/main') {
  return JSON.stringify({ ref, before: '0'.repeat(40), after: SHA, repository: { full_name: 'acme/mesh' } });
}
function gitlabPush(ref = 'refs/heads/main') {
  return JSON.stringify({ object_kind: 'push', ref, before: '0'.repeat(40), after: SHA, checkout_sha: SHA, project: { path_with_namespace: 'acme/mesh' } });
}

interface Case {
  name: string;
  secret?: string;
  method?: string;
  headers?: Record<string, string>;
  body: string;
  status: number;
  message?: RegExp;
  push?: Partial<PushEvent>;
}

const cases: Case[] = [
  {
    name: 'GitHub push with a valid X-Hub-Signature-256',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush())}` },
    body: githubPush(),
    status: 202,
    push: { forge: 'github', branch: 'main', after: SHA, repository: 'acme/mesh' },
  },
  {
    name: 'GitHub push signed with another secret',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush(), 'other')}` },
    body: githubPush(),
    status: 401,
    message: /X-Hub-Signature-256 that does not match/,
  },
  {
    name: 'GitHub push without a signature',
    headers: { 'x-github-event': 'push' },
    body: githubPush(),
    status: 401,
    message: /without X-Hub-Signature-256/,
  },
  {
    name: 'GitHub signature of a different body',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush('refs/heads/dev'))}` },
    body: githubPush(),
    status: 401,
  },
  {
    name: 'GitHub form-encoded push',
    headers: {
      'x-github-event': 'push',
      'content-type': 'application/x-www-form-urlencoded',
      'x-hub-signature-256': `sha256=${sign(`payload=${encodeURIComponent(githubPush())}`)}`,
    },
    body: `payload=${encodeURIComponent(githubPush())}`,
    status: 202,
    push: { forge: 'github', branch: 'main' },
  },
  {
    name: 'GitHub ping',
    headers: { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${sign('{"zen":"hi"}')}` },
    body: '{"zen":"hi"}',
    status: 200,
    message: /pong/,
  },
  {
    name: 'push to another branch is acknowledged and ignored',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush('refs/heads/feature'))}` },
    body: githubPush('refs/heads/feature'),
    status: 200,
    message: /ignored push to refs\/heads\/feature: meshplane tracks branch main/,
  },
  {
    name: 'tag push is ignored',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush('refs/tags/v1'))}` },
    body: githubPush('refs/tags/v1'),
    status: 200,
    message: /ignored push to refs\/tags\/v1/,
  },
  {
    name: 'non-push event is ignored',
    headers: { 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${sign('{}')}` },
    body: '{}',
    status: 200,
    message: /push events only/,
  },
  {
    name: 'Gitea push with a valid X-Gitea-Signature (it also sends X-GitHub-Event)',
    headers: { 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gitea-signature': sign(githubPush()) },
    body: githubPush(),
    status: 202,
    push: { forge: 'gitea', branch: 'main', after: SHA, repository: 'acme/mesh' },
  },
  {
    name: 'Gitea push with a GitHub-style signature only',
    headers: { 'x-gitea-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush())}` },
    body: githubPush(),
    status: 401,
    message: /Gitea delivery without X-Gitea-Signature/,
  },
  {
    name: 'Gitea push with a wrong signature',
    headers: { 'x-gitea-event': 'push', 'x-gitea-signature': sign(githubPush(), 'nope') },
    body: githubPush(),
    status: 401,
  },
  {
    name: 'GitLab push with the right X-Gitlab-Token',
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET },
    body: gitlabPush(),
    status: 202,
    push: { forge: 'gitlab', branch: 'main', after: SHA, repository: 'acme/mesh' },
  },
  {
    name: 'GitLab push with a wrong token',
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': `${SECRET}x` },
    body: gitlabPush(),
    status: 401,
    message: /X-Gitlab-Token that does not match/,
  },
  {
    name: 'GitLab push without a token',
    headers: { 'x-gitlab-event': 'Push Hook' },
    body: gitlabPush(),
    status: 401,
  },
  {
    name: 'no secret configured: refused with how to configure one',
    secret: '',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush())}` },
    body: githubPush(),
    status: 403,
    message: /MESHPLANE_WEBHOOK_SECRET=<secret>.*webhook\.secret/,
  },
  {
    name: 'unknown sender',
    headers: { 'x-bitbucket-event': 'push' },
    body: githubPush(),
    status: 400,
    message: /GitHub \(X-GitHub-Event\), Gitea \(X-Gitea-Event\) or GitLab/,
  },
  {
    name: 'signed but invalid JSON',
    headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign('{not json')}` },
    body: '{not json',
    status: 400,
    message: /invalid JSON/,
  },
  {
    name: 'push without a ref',
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET },
    body: '{"object_kind":"push"}',
    status: 400,
    message: /no "ref"/,
  },
  {
    name: 'GET is not allowed',
    method: 'GET',
    body: '',
    status: 405,
  },
];

describe('webhook POST /hooks/git', () => {
  let server: http.Server;
  let url: string;
  let pushes: PushEvent[];
  let secret: string | undefined;

  before(async () => {
    server = http.createServer((request, response) => {
      createWebhookHandler({ secret, branch: 'main', onPush: (push) => pushes.push(push), maxBodyBytes: 64 * 1024 })(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOK_PATH}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    pushes = [];
    secret = SECRET;
  });

  for (const c of cases) {
    it(c.name, async () => {
      if (c.secret !== undefined) secret = c.secret;
      const method = c.method ?? 'POST';
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...withDeliveryId(c.headers) },
        body: method === 'GET' ? undefined : c.body,
      });
      const reply = (await response.json()) as { accepted: boolean; message: string };
      assert.equal(response.status, c.status, reply.message);
      if (c.message) assert.match(reply.message, c.message);
      if (c.push) {
        assert.equal(pushes.length, 1);
        assert.deepEqual({ ...pushes[0], ...c.push }, pushes[0]);
        assert.equal(reply.accepted, true);
      } else {
        assert.deepEqual(pushes, [], 'no push is triggered');
      }
      if (c.status === 405) assert.equal(response.headers.get('allow'), 'POST');
    });
  }

  it('refuses a body over the limit with 413 and triggers nothing', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', padding: 'x'.repeat(80 * 1024) });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${sign(body)}` },
      body,
    });
    assert.equal(response.status, 413);
    assert.deepEqual(pushes, []);
  });

  const forges: { forge: string; headers: Record<string, string>; id: string; body: string }[] = [
    { forge: 'GitHub', headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${sign(githubPush())}` }, id: 'x-github-delivery', body: githubPush() },
    { forge: 'Gitea', headers: { 'x-gitea-event': 'push', 'x-gitea-signature': sign(githubPush()) }, id: 'x-gitea-delivery', body: githubPush() },
    { forge: 'GitLab', headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, id: 'x-gitlab-event-uuid', body: gitlabPush() },
  ];
  for (const { forge, headers, id, body } of forges) {
    it(`acts on a ${forge} delivery once: the same delivery id again is refused (409), a new one is accepted`, async () => {
      // One handler for every delivery, as the daemon mounts it (the suite's server makes one per request).
      const handler = createWebhookHandler({ secret: SECRET, branch: 'main', onPush: (push) => pushes.push(push) });
      const once = http.createServer(handler);
      await new Promise<void>((resolve) => once.listen(0, '127.0.0.1', resolve));
      const onceUrl = `http://127.0.0.1:${(once.address() as AddressInfo).port}${WEBHOOK_PATH}`;
      const send = (deliveryId: string) => fetch(onceUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, [id]: deliveryId }, body });
      try {
        const first = randomUUID();
        assert.equal((await send(first)).status, 202);
        const replay = await send(first);
        assert.equal(replay.status, 409);
        assert.match(((await replay.json()) as { message: string }).message, /already received in the last 600 s/);
        assert.equal((await send(randomUUID())).status, 202);
        assert.equal(pushes.length, 2);
      } finally {
        await new Promise<void>((resolve) => once.close(() => resolve()));
      }
    });

    it(`refuses a ${forge} delivery without its ${id} header`, async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { message: string }).message, new RegExp(`without ${id}`, 'i'));
      assert.deepEqual(pushes, []);
    });
  }
});

describe('webhook replay guard', () => {
  it('forgets ids after the window', () => {
    let now = 0;
    const guard = new ReplayGuard(1_000, 100, () => now);
    assert.equal(guard.firstTime('a'), true);
    assert.equal(guard.firstTime('a'), false);
    now = 1_000;
    assert.equal(guard.firstTime('a'), true);
  });

  it('keeps at most maxIds ids, dropping the oldest', () => {
    const guard = new ReplayGuard(600_000, 100, () => 0);
    for (let i = 0; i < 10_000; i++) guard.firstTime(`id-${i}`);
    assert.equal(guard.size, 100);
    assert.equal(guard.firstTime('id-9999'), false);
    assert.equal(guard.firstTime('id-0'), true);
  });
});
