// terraform.provider of the operator configuration: the hashicorp/aws version and the provider block
// of every stack come from meshplane.yaml (synth --config), never from the repository; a version
// constraint outside the supported range is refused when the file is loaded and again at synth.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUPPORTED_AWS_PROVIDER_RANGE, awsProviderProblems, defaultAwsProviderSettings } from '../../provider/aws/aws-provider-settings';
import { parseOperatorConfig } from '../../reconciler/operator/load-operator-config';
import { OperatorConfigError } from '../../reconciler/operator/errors';
import { cleanupAfterEach } from '../helpers/cleanups';
import { runMeshplane } from '../helpers/run-meshplane';
import { resourceOf, stackOfResources } from '../aws/stack-fixtures';

const FULL_PROVIDER = `terraform:
  provider:
    version: "~> 5.100"
    profile: mesh-admin
    assumeRole: { roleArn: "arn:aws:iam::{account}:role/meshplane-terraform", sessionName: meshplane, externalId: ops-42, duration: 1h }
    endpoints: { appmesh: "http://127.0.0.1:9", servicediscovery: "http://127.0.0.1:9", route53: "http://127.0.0.1:9", sts: "http://127.0.0.1:9" }
    defaultTags: { managed-by: meshplane, team: platform }
    skipCredentialsValidation: true
    skipRequestingAccountId: true
    skipMetadataApiCheck: true
    skipRegionValidation: true
    allowedAccountIds: false
`;

describe('operator config: terraform.provider', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();
  const synth = async (config: string, environment?: string) => {
    const repo = cleanups.gitRepo();
    if (environment !== undefined) fs.writeFileSync(path.join(repo.dir, 'environments/apps/environment.yaml'), environment);
    const file = path.join(cleanups.tempDir(), 'meshplane.yaml');
    fs.writeFileSync(file, config);
    const out = path.join(cleanups.tempDir(), 'out');
    const result = await runMeshplane('synth', '--repo', repo.dir, '--env', 'apps', '--out', out, '--config', file);
    return { result, stack: () => JSON.parse(fs.readFileSync(path.join(out, 'stacks/apps/cdk.tf.json'), 'utf8')) as { provider: { aws: unknown[] }; terraform: { required_providers: { aws: { version: string } } } } };
  };

  it('writes every provider setting and the version constraint into the stack', async () => {
    const { result, stack } = await synth(FULL_PROVIDER);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(stack().terraform.required_providers.aws.version, '~> 5.100');
    assert.deepEqual(stack().provider.aws, [
      {
        region: 'us-west-2',
        profile: 'mesh-admin',
        assume_role: [{ role_arn: 'arn:aws:iam::111122223333:role/meshplane-terraform', session_name: 'meshplane', external_id: 'ops-42', duration: '1h' }],
        default_tags: [{ tags: { 'managed-by': 'meshplane', team: 'platform' } }],
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: 'true',
        skip_region_validation: true,
        endpoints: [{ appmesh: 'http://127.0.0.1:9', servicediscovery: 'http://127.0.0.1:9', route53: 'http://127.0.0.1:9', sts: 'http://127.0.0.1:9' }],
      },
    ]);
  });

  it('without the section: the generated version and allowed_account_ids from environment.yaml', async () => {
    const { result, stack } = await synth('terraform:\n  apply: false\n');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(stack().terraform.required_providers.aws.version, '6.25.0');
    assert.deepEqual(stack().provider.aws, [{ region: 'us-west-2', allowed_account_ids: ['111122223333'] }]);
  });

  it('refuses a version constraint outside the supported range when loading the file, naming the range', async () => {
    const { result } = await synth('terraform:\n  provider:\n    version: "~> 5.0"\n');
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /meshplane\.yaml:3:\d+: CONFIG-VALUE terraform\.provider\.version: the hashicorp\/aws version constraint "~> 5\.0" admits versions outside the supported range >= 5\.100\.0, < 7\.0\.0/);
  });

  it('refuses at synth a stack whose constraint leaves the range, naming the range', () => {
    const mesh = resourceOf({ meshName: 'apps', spec: {} });
    const outside = stackOfResources([mesh], { provider: { ...defaultAwsProviderSettings(), version: '>= 4.67.0' } });
    const finding = outside.diagnostics.find((d) => d.code === 'TF-PROVIDER');
    assert.ok(finding, JSON.stringify(outside.diagnostics));
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, new RegExp(`"\\>= 4\\.67\\.0" admits versions outside the supported range ${SUPPORTED_AWS_PROVIDER_RANGE.replace(/\./g, '\\.')}`));
    assert.deepEqual(stackOfResources([mesh], { provider: { ...defaultAwsProviderSettings(), version: '5.100.0' } }).diagnostics, []);
  });

  it('accepts exactly the constraints whose every version is in the range', () => {
    const verdict = (version: string) => (awsProviderProblems({ ...defaultAwsProviderSettings(), version }).length === 0 ? 'ok' : 'refused');
    const cases: Record<string, string> = {
      '5.100.0': 'ok',
      '6.25.0': 'ok',
      '= 6.0.0': 'ok',
      '~> 6.0': 'ok',
      '~> 5.100': 'ok',
      '~> 5.100.0': 'ok',
      '>= 5.100.0, < 7.0.0': 'ok',
      '>= 6.1, != 6.3.0, < 6.20': 'ok',
      '5.99.0': 'refused',
      '~> 5.0': 'refused',
      '>= 5.100.0': 'refused',
      '7.0.0': 'refused',
      '~> 6': 'ok',
      '~> 7.0': 'refused',
      '>= 6.0, < 5.0': 'refused',
      latest: 'refused',
      '': 'refused',
    };
    assert.deepEqual(Object.fromEntries(Object.keys(cases).map((c) => [c, verdict(c)])), cases);
  });

  it('refuses allowedAccountIds together with skipRequestingAccountId (every plan would fail)', () => {
    assert.throws(
      () => parseOperatorConfig('terraform:\n  provider:\n    skipRequestingAccountId: true\n', '/etc/meshplane/meshplane.yaml'),
      (error: unknown) => error instanceof OperatorConfigError && /AWS account ID not allowed.*allowedAccountIds: false/.test(error.message),
    );
  });

  it('the repository cannot set the provider: environment.yaml terraform.provider is refused and the block stays the operator\'s', async () => {
    const environment = 'account: "111122223333"\nregion: us-west-2\nterraform:\n  provider:\n    endpoints: { appmesh: "http://collector.example" }\n';
    const refused = await synth('terraform:\n  provider:\n    profile: mesh-admin\n', environment);
    assert.equal(refused.result.code, 1);
    assert.match(refused.result.stdout, /environment\.yaml:4:\d+: error ENV-OPERATOR: terraform\.provider: this belongs to the operator configuration/);

    const accepted = await synth('terraform:\n  provider:\n    profile: mesh-admin\n', 'account: "111122223333"\nregion: us-west-2\n');
    assert.equal(accepted.result.code, 0, accepted.result.stdout);
    assert.deepEqual(accepted.stack().provider.aws, [{ region: 'us-west-2', profile: 'mesh-admin', allowed_account_ids: ['111122223333'] }]);
  });
});
