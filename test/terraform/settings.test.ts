// The `terraform` section of environment.yaml: defaults, every setting, and errors at file:line.
// (terraform.binary is the operator's only: refused by the schema, test/environment.)
import * as assert from 'node:assert/strict';
import { parseFile } from '../../provider/load/parsed-document';
import { readEnvironment } from '../../provider/environment/read-environment';
import { readTerraformSettings } from '../../reconciler/terraform/settings';

/** environment.yaml read as plan, apply and the daemon read it: the environment's settings, then its terraform settings. */
function read(yaml: string) {
  const doc = parseFile(yaml, 'yaml').documents[0];
  const at = { file: 'environments/e/environment.yaml', locate: doc.locate };
  const { config, diagnostics } = readEnvironment('e', doc.value, at.file, at.locate);
  const terraform = readTerraformSettings(config, at);
  // terraform.backend is still read (for the CLI), with an ENV-OPERATOR warning: test/environment.
  return { settings: terraform.settings, diagnostics: [...diagnostics.filter((d) => d.severity === 'error'), ...terraform.diagnostics] };
}

describe('terraform settings', () => {
  it('defaults to off, both targets and no backend', () => {
    const { settings, diagnostics } = read('region: us-west-2\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(settings, { enabled: false, targets: ['discovery', 'appmesh'], serviceAddress: '10.10.10.10', recordTtl: 300 });
  });

  it('reads every setting', () => {
    const { settings, diagnostics } = read(
      [
        'terraform:',
        '  enabled: true',
        '  targets: [appmesh]',
        '  privateZone: apps.local',
        '  vpcId: vpc-0123456789abcdef0',
        '  serviceAddress: 10.1.2.3',
        '  recordTtl: 30',
        '  backend:',
        '    s3: { bucket: b, key: k, region: us-east-1, useLockfile: true }',
      ].join('\n'),
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(settings, {
      enabled: true,
      targets: ['appmesh'],
      privateZone: 'apps.local',
      vpcId: 'vpc-0123456789abcdef0',
      serviceAddress: '10.1.2.3',
      recordTtl: 30,
      backend: { s3: { bucket: 'b', key: 'k', region: 'us-east-1', useLockfile: true } },
    });
  });

  const errors: Array<{ name: string; yaml: string; line: number; message: RegExp }> = [
    { name: 'misspelled setting', yaml: 'terraform:\n  enabeld: true\n', line: 2, message: /unknown key "enabeld" in terraform.*Did you mean "enabled"\?/ },
    { name: 'enabled not boolean', yaml: 'terraform:\n  enabled: "yes"\n', line: 2, message: /terraform\.enabled is a string; it must be a boolean \(true or false\)/ },
    { name: 'unknown target', yaml: 'terraform:\n  targets:\n    - appmesh\n    - route53\n', line: 4, message: /terraform\.targets\[1\] is "route53"; it must be one of discovery, appmesh/ },
    { name: 'bad VPC id', yaml: 'terraform:\n  vpcId: 12345\n', line: 2, message: /terraform\.vpcId is an integer; it must be a string \(a VPC ID such as vpc-0123456789abcdef0\)/ },
    { name: 'two backends', yaml: 'terraform:\n  backend:\n    s3: { bucket: b, key: k }\n    local: { path: p }\n', line: 2, message: /exactly one of s3/ },
    { name: 's3 without key', yaml: 'terraform:\n  backend:\n    s3:\n      bucket: b\n', line: 3, message: /terraform\.backend\.s3 needs key/ },
    {
      name: 'two ways of locking',
      yaml: 'terraform:\n  backend:\n    s3:\n      bucket: b\n      key: k\n      dynamodbTable: t\n      useLockfile: true\n',
      line: 3,
      message: /both dynamodbTable and useLockfile: choose one/,
    },
    { name: 'section not a mapping', yaml: 'terraform: true\n', line: 1, message: /terraform is a boolean; it must be an object/ },
  ];
  for (const { name, yaml, line, message } of errors) {
    it(`reports ${name} at its line`, () => {
      const { diagnostics } = read(yaml);
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      assert.equal(diagnostics[0].code, 'ENV-TF');
      assert.equal(diagnostics[0].file, 'environments/e/environment.yaml');
      assert.equal(diagnostics[0].line, line);
      assert.match(diagnostics[0].message, message);
    });
  }
});
