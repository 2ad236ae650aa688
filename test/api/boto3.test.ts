// The Python example of docs/appmesh-api.md, run with boto3 against the App Mesh API.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cleanupAfterEach } from '../helpers/cleanups';
import { KEYS, startApiFixture } from './api-fixture';

const EXAMPLE = `import boto3, os
appmesh = boto3.client("appmesh", endpoint_url=os.environ["ENDPOINT"], region_name="us-west-2",
                       aws_access_key_id="${KEYS.admin.accessKeyId}",
                       aws_secret_access_key=os.environ["MESHPLANE_API_CI"])
print(appmesh.describe_mesh(meshName="apps")["mesh"]["metadata"]["arn"])
pages = appmesh.get_paginator("list_virtual_nodes").paginate(meshName="apps", PaginationConfig={"PageSize": 1})
print(sorted(n["virtualNodeName"] for page in pages for n in page["virtualNodes"]))
`;

describe('App Mesh API with boto3 (Python)', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();

  it('describe_mesh and a paginated list_virtual_nodes', async function () {
    const fixture = await startApiFixture(cleanups);
    const home = cleanups.tempDir('meshplane-boto3-');
    const result = await new Promise<{ error: Error | null; stdout: string; stderr: string }>((resolve) =>
      execFile('python3', ['-c', EXAMPLE], { env: { PATH: process.env.PATH, HOME: home, ENDPOINT: fixture.url, MESHPLANE_API_CI: KEYS.admin.secret, AWS_CONFIG_FILE: `${home}/none`, AWS_SHARED_CREDENTIALS_FILE: `${home}/none` }, timeout: 50_000 }, (error, stdout, stderr) =>
        resolve({ error, stdout, stderr }),
      ),
    );
    if (/No module named 'boto3'/.test(result.stderr)) this.skip();
    assert.equal(result.error, null, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['arn:aws:appmesh:us-west-2:111122223333:mesh/apps', "['serviceA', 'serviceB', 'serviceBv2']"]);
  });
});
