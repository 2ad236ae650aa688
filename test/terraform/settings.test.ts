// The `terraform` section of environment.yaml as the stacks take it: defaults, every setting, and
// errors at file:line. The binary and the backend are the operator's (ENV-OPERATOR: test/environment;
// the operator's backend: test/operator/cli-terraform.test.ts).
import * as assert from 'node:assert/strict';
import { parseFile } from '../../provider/load/parsed-document';
import { readEnvironment } from '../../provider/environment/read-environment';

function read(yaml: string) {
  const doc = parseFile(yaml, 'yaml').documents[0];
  const { config, diagnostics } = readEnvironment('e', doc.value, 'environments/e/environment.yaml', doc.locate);
  return { settings: config.terraform, diagnostics };
}

describe('terraform settings', () => {
  it('defaults to off, both targets and the default record address and TTL', () => {
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
    });
  });

  const errors: Array<{ name: string; yaml: string; line: number; message: RegExp }> = [
    { name: 'misspelled setting', yaml: 'terraform:\n  enabeld: true\n', line: 2, message: /unknown key "enabeld" in terraform.*Did you mean "enabled"\?/ },
    { name: 'enabled not boolean', yaml: 'terraform:\n  enabled: "yes"\n', line: 2, message: /terraform\.enabled is a string; it must be a boolean \(true or false\)/ },
    { name: 'unknown target', yaml: 'terraform:\n  targets:\n    - appmesh\n    - route53\n', line: 4, message: /terraform\.targets\[1\] is "route53"; it must be one of discovery, appmesh/ },
    { name: 'bad VPC id', yaml: 'terraform:\n  vpcId: 12345\n', line: 2, message: /terraform\.vpcId is an integer; it must be a string \(a VPC ID such as vpc-0123456789abcdef0\)/ },
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
