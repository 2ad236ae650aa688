// environment.yaml read once into the typed settings: every key's valid form, a wrong type, an
// unknown key with its did-you-mean, each operator-level key refused (ENV-OPERATOR), all at file:line:column.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultEnvironment, EnvironmentConfig } from '../../provider/environment/environment-config';
import { OPERATOR_KEYS } from '../../provider/environment/operator-keys';
import { readEnvironment } from '../../provider/environment/read-environment';
import { parseFile } from '../../provider/load/parsed-document';
import { REPO_ROOT } from '../helpers/paths';

const FILE = 'environments/apps/environment.yaml';

function read(yaml: string) {
  const document = parseFile(yaml, 'yaml').documents[0];
  return readEnvironment('apps', document?.value, FILE, document ? document.locate : () => ({ line: 1, column: 1 }));
}

/** `line:column CODE severity pointer` of each diagnostic. */
function where(yaml: string): string[] {
  return read(yaml).diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.severity} ${d.pointer}`);
}

describe('environment.yaml: the typed settings', () => {
  it('an empty or absent file is every default', () => {
    for (const yaml of ['', '# nothing yet\n', '{}\n']) {
      const { config, diagnostics } = read(yaml);
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(config, defaultEnvironment('apps'));
    }
  });

  const valid: Array<{ key: string; yaml: string; expected: (config: EnvironmentConfig) => unknown; value: unknown }> = [
    { key: 'account', yaml: 'account: "444455556666"\n', expected: (c) => c.account, value: '444455556666' },
    { key: 'region', yaml: 'region: eu-west-1\n', expected: (c) => c.region, value: 'eu-west-1' },
    { key: 'partition', yaml: 'partition: aws-cn\n', expected: (c) => c.partition, value: 'aws-cn' },
    { key: 'defaultRetryPolicy', yaml: 'defaultRetryPolicy: false\n', expected: (c) => c.defaultRetryPolicy, value: false },
    { key: 'quotas', yaml: 'quotas:\n  virtualNodesPerMesh: 500\n', expected: (c) => c.quotas.virtualNodesPerMesh, value: 500 },
    { key: 'validation.names', yaml: 'validation:\n  names: compat\n', expected: (c) => c.validation.names, value: 'compat' },
    { key: 'validation.missingBackend', yaml: 'validation:\n  missingBackend: warning\n', expected: (c) => c.validation.missingBackend, value: 'warning' },
    { key: 'validation.acmProvider', yaml: 'validation:\n  acmProvider: false\n', expected: (c) => c.validation.acmProvider, value: false },
    { key: 'validation.cloudMapAdapter', yaml: 'validation:\n  cloudMapAdapter: false\n', expected: (c) => c.validation.cloudMapAdapter, value: false },
    { key: 'validation.strict', yaml: 'validation:\n  strict: true\n', expected: (c) => c.validation.strict, value: true },
    { key: 'validation.rules', yaml: 'validation:\n  rules: { RT-P-2: error, VS-4: off }\n', expected: (c) => c.validation.rules, value: { 'RT-P-2': 'error', 'VS-4': 'off' } },
    {
      key: 'discovery.instances',
      yaml: 'discovery:\n  instances:\n    - {namespace: apps.local, service: serviceb, address: 10.0.1.17, port: 80, id: b-1, healthy: true, attributes: {version: v1}}\n',
      expected: (c) => c.discovery.instances,
      value: [{ namespace: 'apps.local', service: 'serviceb', address: '10.0.1.17', port: 80, id: 'b-1', healthy: true, attributes: { version: 'v1' } }],
    },
    { key: 'xds.proxyLimit (number)', yaml: 'xds:\n  proxyLimit: 5\n', expected: (c) => c.xds.proxyLimit, value: 5 },
    { key: 'xds.proxyLimit (quotas)', yaml: 'xds:\n  proxyLimit: true\n', expected: (c) => c.xds.proxyLimit, value: 'quota' },
    { key: 'xds.proxyLimit (none)', yaml: 'xds:\n  proxyLimit: false\n', expected: (c) => c.xds.proxyLimit, value: undefined },
    {
      key: 'terraform',
      yaml: 'terraform:\n  enabled: true\n  targets: [appmesh]\n  privateZone: apps.local\n  vpcId: vpc-0abc\n  serviceAddress: 10.1.2.3\n  recordTtl: 30\n',
      expected: (c) => c.terraform,
      value: { enabled: true, targets: ['appmesh'], privateZone: 'apps.local', vpcId: 'vpc-0abc', serviceAddress: '10.1.2.3', recordTtl: 30 },
    },
    { key: 'status.reporters', yaml: 'status:\n  reporters: [git-notes, github-main]\n', expected: (c) => c.status.reporters, value: ['git-notes', 'github-main'] },
  ];
  for (const { key, yaml, expected, value } of valid) {
    it(`reads ${key}`, () => {
      const { config, diagnostics } = read(yaml);
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(expected(config), value);
    });
  }

  const wrongType: Array<{ key: string; yaml: string; at: string; message: RegExp }> = [
    { key: 'account (unquoted)', yaml: 'account: 111122223333\n', at: '1:10 ENV-1 error /account', message: /account is an integer; it must be a string \(a 12-digit account ID in quotes/ },
    { key: 'account (too short)', yaml: 'account: "1111"\n', at: '1:10 ENV-1 error /account', message: /must match the pattern/ },
    { key: 'region', yaml: 'region: US West\n', at: '1:9 ENV-1 error /region', message: /a region name such as us-west-2/ },
    { key: 'defaultRetryPolicy', yaml: 'defaultRetryPolicy: sometimes\n', at: '1:21 ENV-1 error /defaultRetryPolicy', message: /must be a boolean \(true or false\)/ },
    { key: 'quotas', yaml: 'quotas:\n  virtualNodesPerMesh: 0\n', at: '2:24 ENV-1 error /quotas/virtualNodesPerMesh', message: /is 0; it must be at least 1/ },
    { key: 'validation.names', yaml: 'validation:\n  names: strikt\n', at: '2:10 ENV-1 error /validation/names', message: /one of strict, compat.*Did you mean "strict"\?/ },
    { key: 'validation.rules severity', yaml: 'validation:\n  rules: {VS-4: of}\n', at: '2:17 ENV-1 error /validation/rules/VS-4', message: /one of error, warning, off/ },
    { key: 'validation.rules id', yaml: 'validation:\n  rules: {vs4: off}\n', at: '2:16 ENV-1 error /validation/rules/vs4', message: /has the key "vs4"/ },
    { key: 'validation.rules unknown rule', yaml: 'validation:\n  rules: {RT-P-3: off}\n', at: '2:19 ENV-1 error /validation/rules/RT-P-3', message: /"RT-P-3" is not a validation rule ID; did you mean "RT-[A-Z]-\d"\?/ },
    { key: "validation.rules lowering App Mesh's errors", yaml: 'validation:\n  rules: {TLS-2: warning}\n', at: '2:18 ENV-1 error /validation/rules/TLS-2', message: /TLS-2 reports only errors \(App Mesh refused such definitions\), and errors cannot be lowered/ },
    { key: 'discovery.instances', yaml: 'discovery:\n  instances: {namespace: a}\n', at: '2:14 ENV-DISCOVERY error /discovery/instances', message: /is an object; it must be an array/ },
    { key: 'discovery instance port', yaml: 'discovery:\n  instances:\n    - {namespace: a, service: b, port: 70000}\n', at: '3:40 ENV-DISCOVERY error /discovery/instances/0/port', message: /between 1 and 65535/ },
    { key: 'discovery instance without service', yaml: 'discovery:\n  instances:\n    - {namespace: a}\n', at: '3:7 ENV-DISCOVERY error /discovery/instances/0', message: /missing required member service/ },
    { key: 'xds.proxyLimit', yaml: 'xds:\n  proxyLimit: 0\n', at: '2:15 ENV-XDS error /xds/proxyLimit', message: /at least 1/ },
    { key: 'terraform', yaml: 'terraform: yes\n', at: '1:12 ENV-TF error /terraform', message: /terraform is a string; it must be an object/ },
    { key: 'terraform.targets', yaml: 'terraform:\n  targets: [dns]\n', at: '2:13 ENV-TF error /terraform/targets/0', message: /one of discovery, appmesh/ },
    { key: 'terraform.recordTtl', yaml: 'terraform:\n  recordTtl: -1\n', at: '2:14 ENV-TF error /terraform/recordTtl', message: /at least 0/ },
    { key: 'status.reporters', yaml: 'status:\n  reporters: github-main\n', at: '2:14 STATUS-1 error /status/reporters', message: /is a string; it must be an array/ },
    { key: 'status.reporters (empty)', yaml: 'status:\n  reporters: []\n', at: '2:14 STATUS-1 error /status/reporters', message: /has 0 entries; it must have at least 1/ },
  ];
  for (const { key, yaml, at, message } of wrongType) {
    it(`reports a wrong ${key} at its position, and keeps the default`, () => {
      const { config, diagnostics } = read(yaml);
      assert.deepEqual(where(yaml), [at]);
      assert.equal(diagnostics[0].file, FILE);
      assert.match(diagnostics[0].message, message);
      assert.deepEqual(config, defaultEnvironment('apps'));
    });
  }

  const unknown: Array<{ yaml: string; at: string; suggestion: string }> = [
    { yaml: 'acount: "111122223333"\n', at: '1:9 ENV-1 error /acount', suggestion: 'account' },
    { yaml: 'quotas:\n  virtualNodesPerMes: 3\n', at: '2:23 ENV-1 error /quotas/virtualNodesPerMes', suggestion: 'virtualNodesPerMesh' },
    { yaml: 'validation:\n  missingBackends: warning\n', at: '2:20 ENV-1 error /validation/missingBackends', suggestion: 'missingBackend' },
    { yaml: 'discovery:\n  instance: []\n', at: '2:13 ENV-DISCOVERY error /discovery/instance', suggestion: 'instances' },
    { yaml: 'xds:\n  proxylimit: 3\n', at: '2:15 ENV-XDS error /xds/proxylimit', suggestion: 'proxyLimit' },
    { yaml: 'terraform:\n  enabeld: true\n', at: '2:12 ENV-TF error /terraform/enabeld', suggestion: 'enabled' },
    { yaml: 'status:\n  reportrs: [git-notes]\n', at: '2:13 STATUS-1 error /status/reportrs', suggestion: 'reporters' },
  ];
  for (const { yaml, at, suggestion } of unknown) {
    it(`reports the unknown key ${at.split(' ').pop()} and suggests ${suggestion}`, () => {
      const { diagnostics } = read(yaml);
      assert.deepEqual(where(yaml), [at]);
      assert.match(diagnostics[0].message, new RegExp(`Did you mean "${suggestion}"\\?`));
    });
  }

  it('drift: is no longer a section', () => {
    assert.deepEqual(where('drift: {interval: 30}\n'), ['1:8 ENV-1 error /drift']);
  });
});

describe('environment.yaml: operator-level keys (ENV-OPERATOR)', () => {
  const written: Record<string, string> = {
    store: 'store:\n  backend: etcd\n',
    secrets: 'secrets:\n  github: abc\n',
    'terraform.binary': 'terraform:\n  binary: ./tf.sh\n',
    'terraform.backend': 'terraform:\n  backend: {local: {path: /tmp/s}}\n',
    'terraform.provider': 'terraform:\n  provider: {endpoints: {appmesh: "http://collector.example"}}\n',
    'status.reporter': 'status:\n  reporter: github\n',
    'status.github': 'status:\n  github: {owner: a, repo: b, tokenEnv: X, baseUrl: https://evil.example}\n',
    'status.gitea': 'status:\n  gitea: {owner: a, repo: b, baseUrl: https://gitea.example/api/v1}\n',
    'status.gitlab': 'status:\n  gitlab: {project: g/p}\n',
    'xds.listen': 'xds:\n  listen: 0.0.0.0:1\n',
    'xds.auth': 'xds:\n  auth: {mode: token, tokens: {mesh/apps/virtualNode/a: "file:/dev/zero"}}\n',
    'xds.tls': 'xds:\n  tls: {certificate: /etc/x.pem, privateKey: /etc/x.key}\n',
    'xds.maxProxies': 'xds:\n  maxProxies: 1\n',
    'xds.maxMessageBytes': 'xds:\n  maxMessageBytes: 1\n',
    'xds.maxConcurrentStreams': 'xds:\n  maxConcurrentStreams: 1\n',
    'xds.keepalive': 'xds:\n  keepalive: {timeSeconds: 1}\n',
  };

  it('covers every operator key', () => {
    assert.deepEqual(Object.keys(written).sort(), OPERATOR_KEYS.map((k) => k.key).sort());
  });

  for (const [key, yaml] of Object.entries(written)) {
    it(`${key} is refused at its line with where it lives now`, () => {
      const { config, diagnostics } = read(yaml);
      const pointer = '/' + key.split('.').join('/');
      const line = key.includes('.') ? 2 : 1;
      assert.deepEqual(
        diagnostics.map((d) => `${d.line} ${d.code} ${d.severity} ${d.pointer}`),
        [`${line} ENV-OPERATOR error ${pointer}`],
      );
      assert.match(diagnostics[0].message, new RegExp(`^${key.replace(/\./g, '\\.')}: this belongs to the operator configuration .*meshplane\\.yaml.*docs/configuration\\.md`));
      // Never obeyed: the settings are the defaults.
      assert.deepEqual(config, defaultEnvironment('apps'));
    });
  }

  const secretLooking: Array<{ yaml: string; pointer: string; line: number }> = [
    { yaml: 'githubToken: ghp_x\n', pointer: '/githubToken', line: 1 },
    { yaml: 'terraform:\n  credentialsFile: /root/.aws/credentials\n', pointer: '/terraform/credentialsFile', line: 2 },
    { yaml: 'status:\n  webhookUrl: https://evil.example\n', pointer: '/status/webhookUrl', line: 2 },
    { yaml: 'discovery:\n  password: hunter2\n', pointer: '/discovery/password', line: 2 },
    { yaml: 'xds:\n  caPath: /etc/ca.pem\n', pointer: '/xds/caPath', line: 2 },
  ];
  for (const { yaml, pointer, line } of secretLooking) {
    it(`refuses ${pointer}, which looks like a secret, URL or path`, () => {
      const { diagnostics } = read(yaml);
      assert.deepEqual(
        diagnostics.map((d) => `${d.line} ${d.code} ${d.severity} ${d.pointer}`),
        [`${line} ENV-OPERATOR error ${pointer}`],
      );
      assert.match(diagnostics[0].message, /looks like a secret, URL, file or binary.*operator configuration.*\{ env: NAME \}/);
    });
  }

  it('a mistake inside an operator key is not reported twice', () => {
    assert.deepEqual(where('status:\n  github: {owner: a, token: ghp_x}\n'), ['2:11 ENV-OPERATOR error /status/github']);
  });
});

describe('environment.yaml: the bundled environments', () => {
  for (const name of fs.readdirSync(path.join(REPO_ROOT, 'environments'))) {
    it(`environments/${name}/environment.yaml is valid and names its schema for editors`, () => {
      const text = fs.readFileSync(path.join(REPO_ROOT, 'environments', name, 'environment.yaml'), 'utf8');
      assert.match(text, /^# yaml-language-server: \$schema=\.\.\/\.\.\/schemas\/environment\.schema\.json\n/);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'schemas', 'environment.schema.json')));
      assert.deepEqual(read(text).diagnostics, []);
    });
  }
});
