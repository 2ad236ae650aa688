// Secure defaults the operator configuration wires into a real daemon: registry writes need a token
// unless the operator allows them explicitly; xDS without authentication is refused on a
// non-loopback address unless the operator says insecure; a declared secret that cannot be read
// refuses the start.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { Daemon, DaemonOptions } from '../../reconciler/daemon/daemon';
import { operatorConfig, OperatorConfigInput } from '../../reconciler/operator/operator-config';
import { xdsExposure } from '../../reconciler/operator/xds-exposure';
import { cleanupAfterEach } from '../helpers/cleanups';

describe('operator config: secure defaults in the daemon', function () {
  this.timeout(60_000);
  const cleanups = cleanupAfterEach();
  const start = async (operator: OperatorConfigInput, options: Partial<DaemonOptions> = {}) => {
    const daemon = await Daemon.start({
      repo: cleanups.gitRepo().dir,
      dataDir: cleanups.tempDir('meshplane-daemon-'),
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      operator: operatorConfig(operator),
      ...options,
    });
    cleanups.push(() => daemon.stop());
    return daemon;
  };
  const register = (daemon: Daemon, token?: string) =>
    fetch(`${daemon.httpUrl}/api/registry/namespaces/apps.local/services/serviceb/instances/b-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ address: '10.0.1.20', port: 80 }),
    });

  it('refuses registry writes without a configured token, saying how to enable them; reads stay open', async () => {
    const daemon = await start({}, { variables: {} });
    const refused = await register(daemon);
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { error: string }).error, /registry writes are disabled: no registry write token is configured\. Set registry\.writeToken .*MESHPLANE_REGISTRY_TOKEN.*allowUnauthenticatedWrites: true/);
    assert.equal((await fetch(`${daemon.httpUrl}/api/registry/namespaces`)).status, 200);
    assert.equal(daemon.registry.instances('apps.local', 'serviceb').length, 0);
  });

  it('takes writes with the operator\'s token (or $MESHPLANE_REGISTRY_TOKEN), and without one only when allowed explicitly', async () => {
    const withToken = await start({ registry: { writeToken: { env: 'MY_REGISTRY_TOKEN' } } }, { variables: { MY_REGISTRY_TOKEN: 'reg-t0ken' } });
    assert.equal((await register(withToken)).status, 401);
    assert.equal((await register(withToken, 'wrong')).status, 401);
    assert.equal((await register(withToken, 'reg-t0ken')).status, 201);
    const fromVariable = await start({}, { variables: { MESHPLANE_REGISTRY_TOKEN: 'var-t0ken' } });
    assert.equal((await register(fromVariable, 'var-t0ken')).status, 201);
    const open = await start({ registry: { allowUnauthenticatedWrites: true } }, { variables: {} });
    assert.equal((await register(open)).status, 201);
  });

  it('refuses to start xDS without authentication on a non-loopback address unless insecure', async () => {
    await assert.rejects(start({}, { xdsListen: '0.0.0.0:0' }), /refusing to start: xDS would listen on 0\.0\.0\.0 without proxy authentication.*xds\.insecure: true \(--xds-insecure\)/);
    const none = operatorConfig().xds;
    assert.deepEqual(xdsExposure('127.0.0.1', none), { warnings: [] });
    assert.deepEqual(xdsExposure('localhost', none), { warnings: [] });
    assert.match(xdsExposure('10.0.0.5', { ...none, insecure: true }).warnings[0], /WITHOUT proxy authentication \(xds\.insecure\)/);
    const token = operatorConfig({ xds: { auth: { mode: 'token', tokens: { 'mesh/apps/virtualNode/a': { env: 'A' } } } } }).xds;
    assert.match(xdsExposure('::', token).warnings[0], /token authentication on \[::\] over plaintext/);
    assert.deepEqual(xdsExposure('::', { ...token, tls: { certificate: '/c.pem', privateKey: '/k.pem' } }).warnings, []);
  });

  it('refuses to start when a declared secret cannot be read, naming the setting', async () => {
    const fifo = path.join(cleanups.tempDir(), 'dashboard-token');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(
      start({ dashboard: { token: { file: fifo } }, reporters: { 'github-main': { kind: 'github', owner: 'a', repo: 'b', token: { env: 'UNSET_GITHUB_TOKEN' } } } }, { variables: {} }),
      (error: unknown) => {
        const message = (error as Error).message;
        assert.match(message, /refusing to start: secrets of the operator configuration cannot be read:/);
        assert.match(message, /dashboard\.token: secret file .*dashboard-token is not a regular file/);
        assert.match(message, /reporters\.github-main\.token: environment variable UNSET_GITHUB_TOKEN is not set/);
        return true;
      },
    );
  });
});
