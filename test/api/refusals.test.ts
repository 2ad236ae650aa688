// What the App Mesh API refuses, with the error types and statuses AWS answered, as the AWS SDK
// for JavaScript v3 (and a plain HTTP client for what an SDK never sends) sees them.
import * as assert from 'node:assert/strict';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiWriter } from '../../reconciler/api/write/api-mutation';
import { cleanupAfterEach } from '../helpers/cleanups';
import { KEYS, REGION, sdkError, startApiFixture } from './api-fixture';

/** A writer that must not be reached: the refusal happens before any write. */
function unreachableWriter(): ApiWriter & { calls: number } {
  const writer = {
    calls: 0,
    write: async () => {
      writer.calls++;
      return { ok: false as const, errorType: 'BadRequestException' as const, message: 'the writer was called' };
    },
  };
  return writer;
}

describe('App Mesh API refusals', function () {
  this.timeout(30_000);
  const cleanups = cleanupAfterEach();

  it('a wrong secret: InvalidSignatureException (403); an unknown key: UnrecognizedClientException (403)', async () => {
    const fixture = await startApiFixture(cleanups);
    const wrong = await sdkError(fixture.client({ accessKeyId: KEYS.admin.accessKeyId, secret: 'not-the-secret' }).describeMesh({ meshName: 'apps' }));
    assert.equal(wrong.name, 'InvalidSignatureException');
    assert.equal(wrong.$metadata.httpStatusCode, 403);
    assert.match(wrong.message, /The request signature we calculated does not match the signature you provided/);
    const unknown = await sdkError(fixture.client({ accessKeyId: 'AKIAUNKNOWNKEY000001', secret: 'x' }).listMeshes({}));
    assert.equal(unknown.name, 'UnrecognizedClientException');
    assert.equal(unknown.$metadata.httpStatusCode, 403);
    assert.equal(unknown.message, 'The security token included in the request is invalid.');
  });

  it('a key whose secret cannot be read is refused like an unknown key, and the problem is reported at start', async () => {
    const fixture = await startApiFixture(cleanups, {
      extraKeys: [{ accessKeyId: 'AKIAMESHPLANENOSECRT', secretAccessKey: { env: 'API_UNSET_SECRET' }, identity: 'nosecret', read: ['*'], write: [] }],
    });
    assert.equal(fixture.api.problems.length, 1);
    assert.match(fixture.api.problems[0], /api\.keys AKIAMESHPLANENOSECRT secretAccessKey: .*API_UNSET_SECRET/);
    const error = await sdkError(fixture.client({ accessKeyId: 'AKIAMESHPLANENOSECRT', secret: '' }).listMeshes({}));
    assert.equal(error.name, 'UnrecognizedClientException');
  });

  it('an unsigned request: MissingAuthenticationTokenException (403) with the x-amzn-ErrorType header and a JSON message', async () => {
    const fixture = await startApiFixture(cleanups);
    const response = await fetch(`${fixture.url}/v20190125/meshes`);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepEqual(await response.json(), { message: 'Missing Authentication Token' });
  });

  it('a signature older than 15 minutes: InvalidSignatureException "Signature expired"; the SDK corrects a skewed clock from the Date header', async () => {
    const fixture = await startApiFixture(cleanups);
    const url = new URL(`${fixture.url}/v20190125/meshes`);
    const signer = new SignatureV4({ credentials: { accessKeyId: KEYS.admin.accessKeyId, secretAccessKey: KEYS.admin.secret }, region: REGION, service: 'appmesh', sha256: Hash.bind(null, 'sha256') });
    const signed = await signer.sign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host } },
      { signingDate: new Date(Date.now() - 20 * 60 * 1000) },
    );
    const response = await fetch(url, { headers: signed.headers });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.match(((await response.json()) as { message: string }).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const skewed = fixture.client(KEYS.admin, { systemClockOffset: -60 * 60 * 1000 });
    const meshes = await skewed.listMeshes({});
    assert.deepEqual(meshes.meshes?.map((m) => m.meshName), ['apps']);
  });

  it('a key that may only read: writes answer AccessDeniedException (403) and nothing is written', async () => {
    const writer = unreachableWriter();
    const fixture = await startApiFixture(cleanups, { writer });
    const reader = fixture.client(KEYS.reader);
    assert.equal((await reader.describeMesh({ meshName: 'apps' })).mesh?.meshName, 'apps', 'the key may read');
    const create = await sdkError(reader.createVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceD', spec: {} }));
    assert.equal(create.name, 'AccessDeniedException');
    assert.equal(create.$metadata.httpStatusCode, 403);
    assert.match(create.message, /User: reader is not authorized to perform: appmesh:CreateVirtualNode on environment apps/);
    const remove = await sdkError(reader.deleteVirtualNode({ meshName: 'apps', virtualNodeName: 'serviceA' }));
    assert.equal(remove.name, 'AccessDeniedException');
    const tag = await sdkError(reader.tagResource({ resourceArn: 'arn:aws:appmesh:us-west-2:111122223333:mesh/apps', tags: [{ key: 'a', value: 'b' }] }));
    assert.equal(tag.name, 'AccessDeniedException');
    assert.equal(writer.calls, 0);
  });

  it('a read-only environment: writes answer ForbiddenException (403) before the writer, reads work', async () => {
    const writer = unreachableWriter();
    const fixture = await startApiFixture(cleanups, { writer, readOnly: ['apps'] });
    const admin = fixture.client();
    const error = await sdkError(admin.updateMesh({ meshName: 'apps', spec: {} }));
    assert.equal(error.name, 'ForbiddenException');
    assert.equal(error.$metadata.httpStatusCode, 403);
    assert.match(error.message, /Environment apps is read-only through the App Mesh API/);
    assert.equal(writer.calls, 0);
    assert.equal((await admin.listMeshes({})).meshes?.length, 1);
  });

  it('a region no readable environment is in: AccessDeniedException naming the environments and their regions', async () => {
    const fixture = await startApiFixture(cleanups);
    const client = fixture.client(KEYS.reader, { region: 'eu-west-1' });
    const error = await sdkError(client.listMeshes({}));
    assert.equal(error.name, 'AccessDeniedException');
    assert.match(error.message, /in region eu-west-1: the environments it may read are apps \(us-west-2, account 111122223333\)/);
  });

  it('a body over the size limit: BadRequestException', async () => {
    const fixture = await startApiFixture(cleanups, { writer: unreachableWriter() });
    const client = fixture.client();
    const huge = await sdkError(client.createMesh({ meshName: 'big', spec: { egressFilter: { type: 'x'.repeat(2 * 1024 * 1024) as never } } }));
    assert.equal(huge.name, 'BadRequestException');
    assert.match(huge.message, /larger than 1048576 bytes/);
  });
});
