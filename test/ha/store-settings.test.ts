// The `store` section of environment.yaml, the --store/--etcd-* flags over it, one store per
// process, and the etcd client options built from the settings (TLS files, auth variables).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { combineStoreSettings, etcdClientOptions, mergeStoreFlags, readStoreSettings, StoreSettings } from '../../reconciler/ha';
import { parseFile } from '../../provider/load/parsed-document';

function read(yamlText: string) {
  const document = parseFile(yamlText).documents[0];
  return readStoreSettings((document.value as Record<string, unknown>).store, { file: 'environments/apps/environment.yaml', locate: document.locate });
}

describe('store settings', () => {
  it('defaults to the embedded store', () => {
    assert.deepEqual(read('account: "111122223333"\n'), { settings: { backend: 'embedded' }, diagnostics: [] });
  });

  it('reads a complete etcd section', () => {
    const { settings, diagnostics } = read(
      [
        'store:',
        '  backend: etcd',
        '  etcd:',
        '    endpoints: [http://10.0.0.5:2379, https://etcd-1.internal:2379]',
        '    prefix: /mesh/',
        '    leaseTtl: 15',
        '    tls: {ca: /etc/ca.pem, cert: /etc/c.pem, key: /etc/c.key}',
        '    auth: {userEnv: ETCD_USER, passwordEnv: ETCD_PASSWORD}',
      ].join('\n'),
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(settings, {
      backend: 'etcd',
      etcd: {
        endpoints: ['http://10.0.0.5:2379', 'https://etcd-1.internal:2379'],
        prefix: '/mesh/',
        leaseTtlSeconds: 15,
        tls: { ca: '/etc/ca.pem', cert: '/etc/c.pem', key: '/etc/c.key' },
        auth: { userEnv: 'ETCD_USER', passwordEnv: 'ETCD_PASSWORD' },
      },
    });
  });

  const problems: { name: string; yaml: string; line: number; message: RegExp }[] = [
    { name: 'unknown backend', yaml: 'store:\n  backend: consul\n', line: 2, message: /use embedded .* or etcd/ },
    { name: 'etcd without endpoints', yaml: 'store:\n  backend: etcd\n', line: 2, message: /no etcd endpoints are given; add store\.etcd\.endpoints/ },
    { name: 'endpoint that is not a URL', yaml: 'store:\n  backend: etcd\n  etcd:\n    endpoints:\n      - 10.0.0.5:2379\n', line: 5, message: /not a URL such as http:\/\/10\.0\.0\.5:2379/ },
    { name: 'prefix without a slash', yaml: 'store:\n  etcd:\n    prefix: mesh\n', line: 3, message: /ending in "\/"/ },
    { name: 'lease TTL too short', yaml: 'store:\n  etcd:\n    leaseTtl: 1\n', line: 3, message: /from 2 to 300/ },
    { name: 'cert without key', yaml: 'store:\n  etcd:\n    tls: {cert: /c.pem}\n', line: 3, message: /cert and key together/ },
    { name: 'half of auth', yaml: 'store:\n  etcd:\n    auth: {userEnv: U}\n', line: 3, message: /userEnv and passwordEnv/ },
    { name: 'unknown key', yaml: 'store:\n  etcd:\n    hosts: []\n', line: 3, message: /unknown store\.etcd setting "hosts"; known: endpoints/ },
  ];
  for (const { name, yaml, line, message } of problems) {
    it(`reports ${name} at its line`, () => {
      const { diagnostics } = read(yaml);
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      assert.equal(diagnostics[0].code, 'ENV-STORE');
      assert.equal(diagnostics[0].line, line);
      assert.match(diagnostics[0].message, message);
    });
  }

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

  it('one process uses one store: environments must agree', () => {
    const etcd: StoreSettings = { backend: 'etcd', etcd: { endpoints: ['http://e:2379'], prefix: '/meshplane/', leaseTtlSeconds: 10 } };
    assert.deepEqual(combineStoreSettings([]).settings, { backend: 'embedded' });
    assert.deepEqual(combineStoreSettings([{ environment: 'apps', settings: etcd, declared: true }, { environment: 'ingress', settings: { backend: 'embedded' }, declared: false }]), { settings: etcd, problems: [] });
    const { problems } = combineStoreSettings([{ environment: 'apps', settings: etcd, declared: true }, { environment: 'ingress', settings: { backend: 'embedded' }, declared: true }]);
    assert.match(problems.join(), /environments apps and ingress ask for different state stores/);
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
