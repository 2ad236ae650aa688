// The --store/--etcd-* flags over the operator's store settings, and the etcd client options built
// from the settings (TLS files, auth variables). The store section itself: test/operator.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { etcdClientOptions, mergeStoreFlags, StoreSettings } from '../../reconciler/ha';

describe('store settings', () => {
  it('flags replace settings and are checked', () => {
    const base: StoreSettings = { backend: 'embedded' };
    const merged = mergeStoreFlags(base, { store: 'etcd', etcdEndpoints: 'http://127.0.0.1:2379, http://127.0.0.1:2380', etcdLeaseTtl: '3', etcdPrefix: '/p/' });
    assert.deepEqual(merged, { settings: { backend: 'etcd', etcd: { endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:2380'], prefix: '/p/', leaseTtlSeconds: 3 } }, problems: [] });
    assert.deepEqual(mergeStoreFlags(base, {}), { settings: { backend: 'embedded', etcd: undefined }, problems: [] });
    assert.match(mergeStoreFlags(base, { store: 'etcd' }).problems.join(), /--store etcd needs --etcd-endpoints/);
    assert.match(mergeStoreFlags(base, { store: 'redis' }).problems.join(), /--store "redis" is not a backend/);
    assert.match(mergeStoreFlags(base, { store: 'etcd', etcdEndpoints: 'localhost:2379' }).problems.join(), /--etcd-endpoints: etcd endpoint "localhost:2379"/);
    assert.match(mergeStoreFlags(base, { etcdLeaseTtl: 'soon' }).problems.join(), /--etcd-lease-ttl/);
  });

  it('builds etcd client options: TLS files read, auth from the named variables, a clear error when one is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshplane-tls-'));
    try {
      fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA');
      const settings = { endpoints: ['https://e:2379'], prefix: '/meshplane/', leaseTtlSeconds: 10, tls: { ca: path.join(dir, 'ca.pem') }, auth: { userEnv: 'U', passwordEnv: 'P' } };
      const options = etcdClientOptions(settings, { U: 'root', P: 'secret' });
      assert.equal(options.credentials?.rootCertificate.toString(), 'CA');
      assert.deepEqual(options.auth, { username: 'root', password: 'secret' });
      assert.throws(() => etcdClientOptions(settings, { U: 'root' }), /environment variable P, which is not set; export P=/);
      assert.throws(() => etcdClientOptions({ ...settings, tls: { ca: path.join(dir, 'missing.pem') } }, { U: 'u', P: 'p' }), /cannot read the etcd TLS ca .*missing\.pem/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
