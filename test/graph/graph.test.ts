// The mesh graph: the model built from an environment, proxy marks, the three renderers, the
// deterministic layout, and `meshplane graph` (including marks read from a daemon's /api/proxies).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildMeshGraph, layoutGraph, MeshGraph, renderDot, renderMermaid, renderSvg } from '../../provider/graph';
import { MeshModel } from '../../provider/model/mesh-model';
import { main } from '../../reconciler/cli/main';
import { proxyMarks } from '../../reconciler/dashboard/proxy-marks';
import { startHttpServer } from '../../reconciler/http/http-server';
import { HttpRouter } from '../../reconciler/http/router';
import { WorkingTreeSource } from '../../reconciler/load/file-source';
import { loadEnvironment } from '../../reconciler/load/load-environment';
import { proxiesRoutes } from '../../reconciler/xds/proxies-api';
import { ProxyStatus } from '../../reconciler/xds/proxy-session';
import { captureTerminal } from '../helpers/capture-terminal';
import { REPO_ROOT } from '../helpers/paths';
import { makeTempRepo } from '../helpers/temp-repo';

const TEST_REPO = path.join(REPO_ROOT, 'test', 'route-explain', 'repo');

async function modelOf(repo: string, env: string): Promise<MeshModel> {
  const loaded = await loadEnvironment(new WorkingTreeSource(repo), env);
  return new MeshModel(loaded.resources);
}

function edgesFrom(graph: MeshGraph, id: string): Array<[string, string | undefined]> {
  return graph.edges.filter((e) => e.from === id).map((e) => [e.to, e.label]);
}

function proxyStatus(identity: string, types: ProxyStatus['types']): ProxyStatus {
  const [kind, meshName, name] = identity.split('/');
  return {
    connectionId: `c-${name}`,
    nodeId: `mesh/${meshName}/virtualNode/${name}`,
    identity,
    kind: kind as ProxyStatus['kind'],
    meshName,
    name,
    flavour: 'envoy',
    protocol: 'sotw',
    userAgent: 'envoy',
    peer: '127.0.0.1:1',
    connectedSince: '2026-01-01T00:00:00.000Z',
    types,
  };
}

const NACKED: ProxyStatus['types'] = {
  listener: {
    typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener',
    sent: { version: 'v2', at: '2026-01-01T00:00:01.000Z' },
    acked: { version: 'v1', at: '2026-01-01T00:00:00.500Z' },
    lastNack: { version: 'v2', at: '2026-01-01T00:00:01.100Z', error: 'invalid access log format "%BAD%"', code: 3 },
    state: 'nacked',
  },
};

describe('mesh graph', () => {
  it('follows gateways → gateway routes → services → routers → routes (weights) → nodes → backends', async () => {
    const graph = buildMeshGraph(await modelOf(TEST_REPO, 'shop'));
    assert.deepEqual(graph.meshes, ['shop']);
    const kinds = [...new Set(graph.nodes.map((n) => n.kind))];
    assert.deepEqual(kinds, ['VirtualGateway', 'GatewayRoute', 'VirtualService', 'VirtualRouter', 'Route', 'VirtualNode', 'Backend']);
    assert.deepEqual(
      edgesFrom(graph, 'VirtualGateway/shop/edge').map(([to]) => to).sort(),
      ['catalog', 'catalog-v1-api', 'keep-path', 'legacy-host', 'orders-grpc', 'root', 'status'].map((n) => `GatewayRoute/shop/edge/${n}`),
    );
    assert.deepEqual(edgesFrom(graph, 'GatewayRoute/shop/edge/orders-grpc'), [['VirtualService/shop/orders.shop.local', undefined]]);
    assert.deepEqual(edgesFrom(graph, 'VirtualService/shop/catalog.shop.local'), [['VirtualRouter/shop/catalog', undefined]]);
    assert.deepEqual(edgesFrom(graph, 'VirtualService/shop/legacy.shop.local'), [['VirtualNode/shop/legacy', undefined]]);
    assert.deepEqual(edgesFrom(graph, 'Route/shop/catalog/beta-query'), [
      ['VirtualNode/shop/catalog-v1', '50 (50%)'],
      ['VirtualNode/shop/catalog-v2', '50 (50%)'],
    ]);
    assert.deepEqual(edgesFrom(graph, 'Route/shop/orders/anything'), [
      ['VirtualNode/shop/orders-v1', '75 (75%)'],
      ['VirtualNode/shop/orders-v2', '25 (25%)'],
    ]);
    assert.deepEqual(edgesFrom(graph, 'VirtualNode/shop/client').map(([to]) => to), ['Backend/shop/catalog.shop.local', 'Backend/shop/orders.shop.local', 'Backend/shop/legacy.shop.local']);
    const route = graph.nodes.find((n) => n.id === 'Route/shop/catalog/tenant-prefix')!;
    assert.deepEqual(route.details, ['http prefix /api', 'tenant^=acme-', 'priority 2']);
    const grpc = graph.nodes.find((n) => n.id === 'Route/shop/orders/get-order-acme')!;
    assert.deepEqual(grpc.details, ['grpc orders.v1.OrderService/GetOrder', 'tenant^=acme-', 'priority 0']);
    assert.deepEqual(graph.nodes.find((n) => n.id === 'GatewayRoute/shop/edge/legacy-host')!.details, ['http prefix /', 'host legacy.example.com, port 8443', 'priority 0']);
  });

  it('draws a dangling reference as a missing node, and --mesh keeps one mesh', async () => {
    const repo = makeTempRepo({
      'environments/two/environment.yaml': 'account: "111122223333"\nregion: us-east-1\n',
      'environments/two/a.yaml': [
        'kind: Mesh\nmeshName: a\n---',
        'kind: VirtualService\nmeshName: a\nvirtualServiceName: svc.a.local\nspec:\n  provider:\n    virtualRouter:\n      virtualRouterName: gone\n---',
        'kind: VirtualNode\nmeshName: a\nvirtualNodeName: caller\nspec:\n  backends:\n    - virtualService:\n        virtualServiceName: nowhere.a.local\n',
      ].join('\n'),
      'environments/two/b.yaml': 'kind: Mesh\nmeshName: b\n---\nkind: VirtualNode\nmeshName: b\nvirtualNodeName: alone\nspec: {}\n',
    });
    try {
      const model = await modelOf(repo.dir, 'two');
      const both = buildMeshGraph(model);
      assert.deepEqual(both.meshes, ['a', 'b']);
      const router = both.nodes.find((n) => n.id === 'VirtualRouter/a/gone')!;
      assert.equal(router.missing, true);
      assert.equal(both.nodes.find((n) => n.id === 'Backend/a/nowhere.a.local')!.missing, true);
      assert.match(renderMermaid(both), /subgraph mesh_b\["mesh b"\]/);
      assert.match(renderSvg(both), /class="node VirtualRouter missing"/);
      const onlyB = buildMeshGraph(model, { mesh: 'b' });
      assert.deepEqual(onlyB.nodes.map((n) => n.id), ['VirtualNode/b/alone']);
    } finally {
      repo.remove();
    }
  });

  it('marks NACKing and drifting proxies in every format', async () => {
    const marks = proxyMarks(
      [proxyStatus('VirtualNode/shop/catalog-v1', NACKED), proxyStatus('VirtualNode/shop/client', { cluster: { typeUrl: NACKED.listener.typeUrl, sent: { version: 'a', at: '' }, acked: { version: 'a', at: '' }, state: 'synced' } })],
      [{ proxy: 'VirtualNode/shop/orders-v2', state: 'drift', message: 'on an old version' }],
    );
    assert.deepEqual(marks, [
      { proxy: 'VirtualNode/shop/catalog-v1', state: 'nack', message: 'listener: invalid access log format "%BAD%"' },
      { proxy: 'VirtualNode/shop/orders-v2', state: 'drift', message: 'on an old version' },
    ]);
    const graph = buildMeshGraph(await modelOf(TEST_REPO, 'shop'), { marks });
    const svg = renderSvg(graph);
    assert.match(svg, /<g class="node VirtualNode nack" data-id="VirtualNode\/shop\/catalog-v1" data-kind="VirtualNode" data-mark="nack">/);
    assert.match(svg, /<text class="detail mark" [^>]*>⚠ NACK: listener: invalid access/, 'the reason is shown, cut to the node width');
    assert.match(svg, /<title>VirtualNode catalog-v1 \(mesh shop\)\n[^<]*nack: listener: invalid access log format &quot;%BAD%&quot;<\/title>/, 'the whole reason is in the tooltip');
    assert.match(svg, /class="node VirtualNode drift" data-id="VirtualNode\/shop\/orders-v2"/);
    const mermaid = renderMermaid(graph);
    const id = mermaid.match(/(n\d+)\["<b>catalog-v1<\/b>/)![1];
    assert.match(mermaid, new RegExp(`^  class ${id} nack$`, 'm'));
    assert.match(mermaid, /NACK: listener: invalid access log format #quot;%BAD%#quot;/);
    assert.match(renderDot(graph), /"VirtualNode\/shop\/catalog-v1" \[label="catalog-v1\\n\(VirtualNode\)\\nlistens http:8080\\ndiscovery catalog-v1.shop.local\\nNACK: listener: invalid access log format \\"%BAD%\\"", shape=box, color="#c0392b"/);
  });

  it('escapes text from the mesh in SVG, Mermaid and DOT', () => {
    const graph: MeshGraph = {
      meshes: ['m'],
      nodes: [
        { id: 'Route/m/r/x', kind: 'Route', meshName: 'm', name: 'x', details: ['h=<a&"b">'] },
        { id: 'VirtualNode/m/n', kind: 'VirtualNode', meshName: 'm', name: 'n', details: [] },
      ],
      edges: [{ from: 'Route/m/r/x', to: 'VirtualNode/m/n', kind: 'weighted', label: '1 (100%)' }],
    };
    assert.match(renderSvg(graph), /h=&lt;a&amp;&quot;b&quot;&gt;/);
    assert.match(renderMermaid(graph), /h=#lt;a#amp;#quot;b#quot;#gt;/);
    assert.match(renderDot(graph), /h=<a&\\"b\\">/);
  });

  it('lays out the same graph the same way whatever the document order, left to right without overlaps', async () => {
    const model = await modelOf(TEST_REPO, 'shop');
    const reversed = new MeshModel([...model.resources].reverse());
    const svg = renderSvg(buildMeshGraph(model));
    assert.equal(renderSvg(buildMeshGraph(reversed)), svg);
    const layout = layoutGraph(buildMeshGraph(model));
    for (const a of layout.nodes) {
      assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height, `${a.node.id} inside the picture`);
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        assert.ok(apart, `${a.node.id} and ${b.node.id} overlap`);
      }
    }
    for (const e of layout.edges) assert.ok(e.points[0][0] < e.points[3][0], `edge ${e.edge.from} → ${e.edge.to} runs left to right`);
    assert.equal(layout.edges.length, buildMeshGraph(model).edges.length);
    assert.equal((svg.match(/<g /g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(!/https?:\/\/(?!www\.w3\.org)/.test(svg), 'the SVG fetches nothing');
  });

  describe('meshplane graph', () => {
    async function run(...args: string[]) {
      const terminal = captureTerminal();
      const code = await main(['node', 'meshplane', 'graph', ...args], terminal);
      return { code, ...terminal };
    }

    it('prints Mermaid by default, DOT and SVG on request', async () => {
      const mermaid = await run('--env', 'apps', '--repo', REPO_ROOT);
      assert.equal(mermaid.code, 0, mermaid.stderr);
      assert.match(mermaid.stdout, /^flowchart LR\n/);
      assert.match(mermaid.stdout, /-->\|"75 \(75%\)"\|/);
      assert.equal(mermaid.stderr, '', 'warnings stay with meshplane validate');
      const dot = await run('--env', 'ingress', '--repo', REPO_ROOT, '--format', 'dot');
      assert.match(dot.stdout, /^digraph mesh \{/);
      assert.match(dot.stdout, /"GatewayRoute\/bookstore\/ingress-gw\/books" -> "VirtualService\/bookstore\/books.bookstore.local";/);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-graph-'));
      try {
        const file = path.join(dir, 'mesh.svg');
        const svg = await run('--env', 'ingress', '--repo', REPO_ROOT, '--format', 'svg', '-o', file);
        assert.equal(svg.code, 0);
        assert.match(fs.readFileSync(file, 'utf8'), /<svg xmlns/);
        assert.match(svg.stderr, /wrote the svg graph of environment ingress to /);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('refuses an unknown mesh (exit 2) and an invalid environment (exit 1)', async () => {
      const unknown = await run('--env', 'apps', '--repo', REPO_ROOT, '--mesh', 'nope');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /environment apps has no mesh "nope"; meshes: apps/);
      const repo = makeTempRepo({
        'environments/bad/environment.yaml': 'account: "111122223333"\nregion: us-east-1\n',
        'environments/bad/mesh.yaml': 'kind: Mesh\nmeshName: m\nspec:\n  egressFilter:\n    type: DROP_SOME\n',
      });
      try {
        const invalid = await run('--env', 'bad', '--repo', repo.dir);
        assert.equal(invalid.code, 1);
        assert.match(invalid.stderr, /^environments\/bad\/mesh\.yaml:5:11: error /m);
        assert.match(invalid.stderr, /invalid: environment bad has errors/);
      } finally {
        repo.remove();
      }
    });

    it('marks the proxies a running daemon reports NACKing (--server)', async () => {
      const proxies = [proxyStatus('VirtualNode/apps/serviceBv2', NACKED)];
      const server = await startHttpServer(new HttpRouter().mount(proxiesRoutes({ proxies: () => proxies })));
      try {
        const result = await run('--env', 'apps', '--repo', REPO_ROOT, '--server', server.url);
        assert.equal(result.code, 0, result.stderr);
        const id = result.stdout.match(/(n\d+)\["<b>serviceBv2<\/b>/)![1];
        assert.match(result.stdout, new RegExp(`^  class ${id} nack$`, 'm'));
      } finally {
        await server.close();
      }
      const down = await run('--env', 'apps', '--repo', REPO_ROOT, '--server', server.url);
      assert.equal(down.code, 2);
      assert.match(down.stderr, /cannot reach the daemon at /);
    });
  });
});
