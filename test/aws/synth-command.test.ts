// `meshplane synth` and the cdktf.json app write byte-identical stacks; the CLI's errors.
import * as assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMeshplane } from '../helpers/run-meshplane';
import { REPO_ROOT } from '../helpers/paths';
import { copyEnvironment, makeEnvironmentRepo, makeTempRepo, TempRepo } from '../helpers/temp-repo';

/** Runs the `app` command of cdktf.json the way cdktf-cli does: in the project folder, with CDKTF_OUTDIR. */
function runCdktfApp(outdir: string, repo?: string, operatorConfig?: string): void {
  const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8'));
  execSync(config.app, {
    cwd: REPO_ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...(repo ? { MESHPLANE_REPO: repo } : {}), ...(operatorConfig ? { MESHPLANE_CONFIG: operatorConfig } : {}) },
    stdio: 'pipe',
  });
}

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}

function assertIdentical(a: string, b: string): void {
  const left = filesOf(a);
  const right = filesOf(b);
  assert.deepEqual([...left.keys()].sort(), [...right.keys()].sort());
  for (const [file, bytes] of left) assert.ok(bytes.equals(right.get(file)!), `${file} differs`);
}

describe('meshplane synth and cdktf.json', function () {
  this.timeout(60_000);
  let tmp: string;
  let repo: TempRepo | undefined;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-synth-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    repo?.remove();
    repo = undefined;
  });

  it('cdktf.json runs the compiled synth entry for TypeScript with the prebuilt provider', () => {
    const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8'));
    assert.equal(config.language, 'typescript');
    assert.equal(config.app, 'node dist/reconciler/cli/cdktf-app.js');
    assert.deepEqual(config.terraformProviders, []);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist/reconciler/cli/cdktf-app.js')));
  });

  it('writes one stack per bundled environment, byte-identical to the cdktf.json app', async () => {
    const ours = path.join(tmp, 'meshplane');
    const result = await runMeshplane('synth', '--repo', REPO_ROOT, '--out', ours);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /synthesized apps → .*stacks\/apps\/cdk\.tf\.json/);
    assert.match(result.stdout, /synthesized ingress → /);
    runCdktfApp(path.join(tmp, 'cdktf'));
    assertIdentical(ours, path.join(tmp, 'cdktf'));
    const manifest = JSON.parse(fs.readFileSync(path.join(ours, 'manifest.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.stacks), ['apps', 'ingress']);
    assert.equal(manifest.stacks.apps.synthesizedStackPath, 'stacks/apps/cdk.tf.json');
    for (const [file, bytes] of filesOf(ours)) {
      assert.ok(!bytes.includes(REPO_ROOT) && !bytes.includes(tmp), `${file} holds no absolute path, so output does not depend on where synth runs`);
    }
  });

  it('is byte-identical on a repository with terraform settings (discovery) and the operator\'s backend (--config / $MESHPLANE_CONFIG)', async () => {
    repo = makeEnvironmentRepo('apps');
    repo.write(
      'environments/apps/environment.yaml',
      'account: "111122223333"\nregion: us-west-2\nterraform:\n  enabled: true\n  privateZone: apps.local\n  vpcId: vpc-0abc\n',
    );
    const operator = path.join(tmp, 'meshplane.yaml');
    fs.writeFileSync(operator, 'terraform:\n  backend:\n    s3: { bucket: state, key: "{env}.tfstate", useLockfile: true }\n');
    const result = await runMeshplane('synth', '--repo', repo.dir, '--env', 'apps', '--out', path.join(tmp, 'a'), '--config', operator);
    assert.equal(result.code, 0, result.stdout);
    runCdktfApp(path.join(tmp, 'b'), repo.dir, operator);
    assertIdentical(path.join(tmp, 'a'), path.join(tmp, 'b'));
    const stack = JSON.parse(fs.readFileSync(path.join(tmp, 'a/stacks/apps/cdk.tf.json'), 'utf8'));
    assert.deepEqual(stack.terraform.backend.s3, { bucket: 'state', key: 'apps.tfstate', use_lockfile: true });
    assert.ok(stack.resource.aws_route53_zone['apps-local']);
  });

  it('synthesizes only the environments named, into <repo>/cdktf.out by default', async () => {
    repo = makeTempRepo();
    copyEnvironment(repo);
    const result = await runMeshplane('synth', '--repo', repo.dir, '--env', 'ingress');
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(fs.readdirSync(path.join(repo.dir, 'cdktf.out', 'stacks')), ['ingress']);
  });

  it('writes nothing for an invalid environment and exits 1 with compiler-style diagnostics', async () => {
    repo = makeEnvironmentRepo('apps');
    repo.write('environments/apps/environment.yaml', 'terraform:\n  targets: [appmesh, dns]\n');
    const out = path.join(tmp, 'out');
    const result = await runMeshplane('synth', '--repo', repo.dir, '--out', out);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /environments\/apps\/environment\.yaml:2:\d+: error ENV-TF: terraform\.targets\[1\] is "dns"; it must be one of discovery, appmesh/);
    assert.match(result.stdout, /not synthesized: 1 error/);
    assert.equal(fs.existsSync(out), false);
  });

  it('the cdktf.json app fails with the diagnostics on stderr for an invalid repository', () => {
    repo = makeEnvironmentRepo('apps');
    repo.write('environments/apps/environment.yaml', 'terraform:\n  vpcId: nope\n');
    assert.throws(
      () => runCdktfApp(path.join(tmp, 'x'), repo!.dir),
      (error: { status: number; stderr: Buffer }) => {
        assert.equal(error.status, 1);
        assert.match(error.stderr.toString(), /environment\.yaml:2:\d+: error ENV-TF: terraform\.vpcId is "nope"; it must match .*\(a VPC ID such as vpc-0123456789abcdef0\)/);
        assert.match(error.stderr.toString(), /not synthesized/);
        return true;
      },
    );
  });

  it('names the existing environments when asked for an unknown one (exit 2)', async () => {
    const result = await runMeshplane('synth', '--repo', REPO_ROOT, '--env', 'staging', '--out', path.join(tmp, 'o'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown environment "staging".*environments: apps, ingress/);
  });
});
