// Running the real Terraform binary in tests: found on PATH or the test is skipped with a reason
// printed; each test gets isolated TF_DATA_DIR, plugin cache and CLI config in a temp dir, and a
// dead proxy so that any download attempt fails at once instead of reaching the network.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformRunOptions } from '../../reconciler/terraform/run-terraform';

export const TERRAFORM = process.env.MESHPLANE_TEST_TERRAFORM ?? 'terraform';

let availability: string | undefined | null = null;

/** Why Terraform cannot run here, or undefined when it can. */
export function terraformMissing(): string | undefined {
  if (availability === null) {
    const probe = spawnSync(TERRAFORM, ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    availability = probe.status === 0 ? undefined : `"${TERRAFORM} version" failed (${probe.error?.message ?? `exit ${probe.status}`})`;
  }
  return availability;
}

/** Skips the current mocha test/suite, saying why, when Terraform is absent. */
export function requireTerraform(context: Mocha.Context): void {
  const missing = terraformMissing();
  if (missing === undefined) return;
  const message = `SKIPPED: needs the Terraform binary on PATH (which terraform): ${missing}`;
  process.stderr.write(`\n  ${message}\n`);
  if (process.env.MESHPLANE_REQUIRE_TERRAFORM) throw new Error(message);
  context.skip();
}

/**
 * The `hashicorp/aws` provider as a filesystem mirror (the folder above `registry.terraform.io`):
 * `$MESHPLANE_TF_MIRROR`, or the machine image's /opt/tf-plugins. Undefined when absent.
 */
export function awsProviderMirror(): { dir: string; version: string } | undefined {
  const candidates = [process.env.MESHPLANE_TF_MIRROR, '/opt/tf-plugins'].filter((dir): dir is string => !!dir);
  for (const dir of candidates) {
    const versions = path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
    if (!fs.existsSync(versions)) continue;
    const version = fs.readdirSync(versions).sort().pop();
    if (version) return { dir, version };
  }
  return undefined;
}

/** Skips the current mocha test/suite, saying why, when Terraform or the AWS provider mirror is absent. */
export function requireAwsProvider(context: Mocha.Context): { dir: string; version: string } {
  requireTerraform(context);
  const mirror = awsProviderMirror();
  if (mirror) return mirror;
  const message =
    'SKIPPED: needs the hashicorp/aws provider as a Terraform filesystem mirror (set MESHPLANE_TF_MIRROR to the folder above registry.terraform.io; ' +
    "find / -path /proc -prune -o -name 'terraform-provider-aws_*' -print shows it)";
  process.stderr.write(`\n  ${message}\n`);
  if (process.env.MESHPLANE_REQUIRE_TERRAFORM) throw new Error(message);
  context.skip();
}

/**
 * A provider block for `hashicorp/aws` that runs offline: fake keys, every `skip_*` check, and App Mesh
 * calls sent to `appmeshEndpoint` when given.
 */
export function offlineAwsProviderHcl(options: { region?: string; appmeshEndpoint?: string } = {}): string {
  const endpoints = options.appmeshEndpoint ? `\n  endpoints {\n    appmesh = "${options.appmeshEndpoint}"\n  }` : '';
  return `provider "aws" {
  region                      = "${options.region ?? 'us-west-2'}"
  access_key                  = "AKIAOFFLINETEST00000"
  secret_key                  = "offline-test-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true${endpoints}
}
`;
}

export interface TerraformSandbox {
  dir: string;
  /** Run options for a working directory: its own TF_DATA_DIR, shared plugin cache, empty CLI config. */
  options(workdir: string, log?: TerraformRunOptions['log']): TerraformRunOptions;
  /** Environment for running the terraform CLI directly ("from outside"). */
  env(workdir: string): NodeJS.ProcessEnv;
  remove(): void;
}

/**
 * An isolated Terraform: its own CLI config and plugin cache, no reachable network. With `awsMirror`
 * (from requireAwsProvider) the CLI config installs providers from that filesystem mirror only.
 */
export function terraformSandbox(awsMirror?: { dir: string }): TerraformSandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-tf-'));
  const cliConfig = path.join(dir, 'terraformrc');
  const pluginCache = path.join(dir, 'plugin-cache');
  fs.writeFileSync(cliConfig, awsMirror ? `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(awsMirror.dir)}\n  }\n}\n` : '');
  fs.mkdirSync(pluginCache);
  const isolation = (workdir: string): Record<string, string> => ({
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_DATA_DIR: path.join(workdir, '.terraform-data'),
    TF_PLUGIN_CACHE_DIR: pluginCache,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
  });
  return {
    dir,
    options: (workdir, log) => {
      const { TF_DATA_DIR, TF_PLUGIN_CACHE_DIR, ...env } = isolation(workdir);
      return { binary: TERRAFORM, dataDir: TF_DATA_DIR, pluginCacheDir: TF_PLUGIN_CACHE_DIR, env, log };
    },
    env: (workdir) => ({ ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', ...isolation(workdir) }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * For a suite whose code under test starts Terraform itself: skips it without Terraform, else points
 * process.env at a sandbox (empty CLI config, empty plugin cache, no reachable network) for the
 * suite and puts the variables back afterwards. Call inside a `describe`.
 */
export function isolateTerraformForSuite(): void {
  let sandbox: TerraformSandbox | undefined;
  const saved: Record<string, string | undefined> = {};
  before(function () {
    requireTerraform(this);
    sandbox = terraformSandbox();
    const env = sandbox.env(sandbox.dir);
    for (const key of ['TF_CLI_CONFIG_FILE', 'TF_PLUGIN_CACHE_DIR', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) {
      saved[key] = process.env[key];
      process.env[key] = env[key];
    }
  });
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    sandbox?.remove();
  });
}
