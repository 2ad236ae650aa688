// The operator configuration file of `meshplane serve --config` (also $MESHPLANE_CONFIG): checked
// against schemas/operator-config.schema.json with positioned diagnostics, the flags and variables
// over its common keys (flag > env > file > default), and no secret on argv.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveServe, ServeOptions } from '../../reconciler/cli/commands/serve';
import { UsageError } from '../../reconciler/cli/usage-error';
import { OperatorConfigError } from '../../reconciler/operator/errors';
import { loadOperatorConfig, parseOperatorConfig } from '../../reconciler/operator/load-operator-config';
import { REPO_ROOT } from '../helpers/paths';
import { cleanupAfterEach } from '../helpers/cleanups';

const FILE = '/etc/meshplane/meshplane.yaml';

function problems(text: string): string[] {
  try {
    parseOperatorConfig(text, FILE);
  } catch (error) {
    assert.ok(error instanceof OperatorConfigError, String(error));
    return error.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code} ${d.message}`);
  }
  return [];
}

describe('operator config: the file', () => {
  const cleanups = cleanupAfterEach();

  it('reads the complete example of docs/configuration.md', async () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
    const example = /```yaml\n# meshplane\.yaml[^\n]*\n([\s\S]*?)```/.exec(docs);
    assert.ok(example, 'docs/configuration.md has the complete example');
    const file = path.join(cleanups.tempDir(), 'meshplane.yaml');
    fs.writeFileSync(file, example[1]);
    const config = await loadOperatorConfig(file);
    assert.equal(config.file, file);
    assert.equal(config.listen.xds, '127.0.0.1:15010');
    assert.deepEqual(config.reporters['github-main'], { kind: 'github', owner: 'acme', repo: 'mesh', baseUrl: 'https://api.github.com', token: { env: 'GITHUB_TOKEN' } });
    assert.deepEqual(config.terraform.env.pass, ['AWS_PROFILE', 'AWS_REGION', 'HTTPS_PROXY']);
    assert.equal(config.terraform.apply, false);
    assert.equal(config.registry.allowUnauthenticatedWrites, false);
  });

  const cases: { name: string; yaml: string; expected: RegExp[] }[] = [
    { name: 'an unknown key, with a did-you-mean', yaml: 'listen:\n  http: 127.0.0.1:9080\nregistery:\n  allowLoopback: true\n', expected: [/:3: CONFIG-SCHEMA unknown key "registery" in the document; .*Did you mean "registry"\?/] },
    { name: 'a nested unknown key', yaml: 'terraform:\n  binray: /usr/bin/terraform\n', expected: [/:2: CONFIG-SCHEMA unknown key "binray" in terraform; .*Did you mean "binary"\?/] },
    { name: 'a literal secret', yaml: 'webhook:\n  secret: hunter2\n', expected: [/:2: CONFIG-SCHEMA webhook\.secret is a string; it must be an object/] },
    { name: 'a secret with both sources', yaml: 'dashboard:\n  token: { env: A, file: /run/a }\n', expected: [/:2: CONFIG-SCHEMA dashboard\.token must set exactly one of env, file/] },
    { name: 'a relative secret file', yaml: 'registry:\n  writeToken: { file: secrets/token }\n', expected: [/:2: CONFIG-SCHEMA registry\.writeToken\.file is "secrets\/token"; it must match the pattern/] },
    { name: 'a listen address without a port', yaml: 'listen:\n  xds: 0.0.0.0\n', expected: [/:2: CONFIG-SCHEMA listen\.xds is "0\.0\.0\.0"; it must match the pattern/] },
    { name: 'a reporter without a token', yaml: 'reporters:\n  gh:\n    kind: github\n    owner: a\n    repo: b\n', expected: [/:2: CONFIG-SCHEMA reporters\.gh is missing required member token/] },
    { name: 'a gitea reporter without baseUrl', yaml: 'reporters:\n  ops:\n    kind: gitea\n    owner: a\n    repo: b\n    token: { env: T }\n', expected: [/:2: CONFIG-VALUE reporter ops \(gitea\) needs baseUrl/] },
    { name: 'an undeclared default reporter', yaml: 'defaultReporters: [git-notes, github-mian]\n', expected: [/:1: CONFIG-VALUE defaultReporters names "github-mian", which reporters does not declare; declared: git-notes/] },
    { name: 'token auth without tokens', yaml: 'xds:\n  auth:\n    mode: token\n', expected: [/:2: CONFIG-VALUE xds\.auth\.mode token needs xds\.auth\.tokens/] },
    { name: 'a token for a node id that is not a proxy', yaml: 'xds:\n  auth:\n    mode: token\n    tokens:\n      mesh/apps/virtualService/x: { env: X }\n', expected: [/:5: CONFIG-VALUE node\.id "mesh\/apps\/virtualService\/x" is not/] },
    { name: 'a relative terraform binary', yaml: 'terraform:\n  binary: ../../environments/apps/tf.sh\n', expected: [/:2: CONFIG-VALUE terraform\.binary "\.\.\/\.\.\/environments\/apps\/tf\.sh" is a relative path/] },
    { name: 'a YAML syntax error', yaml: 'listen: [\n', expected: [/:\d+: LOAD-YAML /] },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} at file:line`, () => {
      const found = problems(c.yaml);
      assert.equal(found.length, c.expected.length, found.join('\n'));
      c.expected.forEach((pattern, i) => assert.match(found[i], pattern));
      assert.ok(found.every((p) => p.startsWith(`${FILE}:`)));
    });
  }
});

describe('operator config: flags and variables over the file', () => {
  const cleanups = cleanupAfterEach();
  const options = (extra: Partial<ServeOptions> = {}): ServeOptions => ({ ackTimeout: '5', driftInterval: '30', logLevel: 'silent', ...extra });
  const configFile = (text: string) => {
    const file = path.join(cleanups.tempDir(), 'meshplane.yaml');
    fs.writeFileSync(file, text);
    return file;
  };

  it('without a file: the quickstart defaults (loopback ports, git notes, writes refused)', async () => {
    const resolved = await resolveServe(options(), {});
    assert.equal(resolved.httpListen, '127.0.0.1:9080');
    assert.equal(resolved.xdsListen, '127.0.0.1:15010');
    assert.equal(resolved.repo, '.');
    assert.deepEqual(resolved.operator?.defaultReporters, ['git-notes']);
    assert.equal(resolved.operator?.registry.allowUnauthenticatedWrites, false);
    assert.equal(resolved.operator?.xds.auth.mode, 'none');
  });

  it('flag > environment variable > file > default, with the file from $MESHPLANE_CONFIG or --config', async () => {
    const file = configFile('listen: { http: 127.0.0.1:7001, xds: 127.0.0.1:7002 }\npublicUrl: https://file.example.com\nsource: { branch: from-file, pollInterval: 5 }\n');
    const fromEnvFile = await resolveServe(options(), { MESHPLANE_CONFIG: file });
    assert.equal(fromEnvFile.httpListen, '127.0.0.1:7001');
    assert.equal(fromEnvFile.branch, 'from-file');
    assert.equal(fromEnvFile.pollIntervalMs, 5000);
    const variables = { MESHPLANE_HTTP_LISTEN: '127.0.0.1:7101', MESHPLANE_BRANCH: 'from-env' };
    const env = await resolveServe(options({ config: file }), variables);
    assert.equal(env.httpListen, '127.0.0.1:7101', 'the variable over the file');
    assert.equal(env.xdsListen, '127.0.0.1:7002', 'the file where nothing overrides it');
    assert.equal(env.branch, 'from-env');
    const flag = await resolveServe(options({ config: file, httpListen: '127.0.0.1:7201', pollInterval: '0.5' }), variables);
    assert.equal(flag.httpListen, '127.0.0.1:7201', 'the flag over the variable');
    assert.equal(flag.pollIntervalMs, 500);
    assert.equal(flag.publicUrl, 'https://file.example.com');
  });

  it('refuses a bad override naming the flag or the variable, and a configuration problem with file:line', async () => {
    await assert.rejects(resolveServe(options({ xdsListen: 'nowhere' }), {}), (error: unknown) => error instanceof UsageError && /^--xds-listen: listen\.xds is "nowhere"; it must match/.test(error.message));
    await assert.rejects(resolveServe(options(), { MESHPLANE_PUBLIC_URL: 'ftp://x' }), (error: unknown) => error instanceof UsageError && /^\$MESHPLANE_PUBLIC_URL: publicUrl is "ftp:\/\/x"/.test(error.message));
    const file = configFile('\nstore:\n  backend: etcd\n  etcd: { endpoints: [localhost] }\n');
    await assert.rejects(resolveServe(options({ config: file }), {}), (error: unknown) => error instanceof UsageError && error.message.includes(`${file}:4:`) && /CONFIG-SCHEMA store\.etcd\.endpoints\[0\] is "localhost"/.test(error.message));
    await assert.rejects(resolveServe(options({ config: path.join(path.dirname(file), 'missing.yaml') }), {}), /cannot read the operator configuration .*missing\.yaml \(ENOENT\)/);
  });

  it('refuses a secret on the command line and says where it goes instead', async () => {
    await assert.rejects(resolveServe(options({ webhookSecret: 'hunter2' }), {}), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /--webhook-secret is no longer accepted: a secret on the command line shows in \/proc\/<pid>\/cmdline.*Export MESHPLANE_WEBHOOK_SECRET=<secret>.*\{ env: NAME \} or \{ file: \/path \}/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });

  it('takes the store from the configuration, with the --store/--etcd-* flags over it', async () => {
    const file = configFile('store:\n  backend: etcd\n  etcd: { endpoints: [http://127.0.0.1:2379], prefix: /mesh/, auth: { user: { env: ETCD_U }, password: { env: ETCD_P } } }\n');
    const fromFile = await resolveServe(options({ config: file }), {});
    assert.deepEqual(fromFile.store, { backend: 'etcd', etcd: { endpoints: ['http://127.0.0.1:2379'], prefix: '/mesh/', leaseTtlSeconds: 10, auth: { userEnv: 'ETCD_U', passwordEnv: 'ETCD_P' } } });
    const flagged = await resolveServe(options({ config: file, store: 'embedded' }), {});
    assert.equal(flagged.store?.backend, 'embedded');
  });
});
