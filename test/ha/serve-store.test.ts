// `meshplane serve` choosing its store: flags over the operator configuration's `store`, mistakes as
// usage errors (exit 2) naming the flag or file:line, before anything listens; and a replica on etcd
// serving the applied revision of the shared store.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runServe, ServeOptions } from '../../reconciler/cli/commands/serve';
import { UsageError } from '../../reconciler/cli/usage-error';
import { captureTerminal } from '../helpers/capture-terminal';
import { makeGitRepo, tempDir } from '../helpers/temp-repo';

const base = (repo: string, dataDir: string): ServeOptions => ({
  repo,
  branch: 'main',
  dataDir,
  xdsListen: '127.0.0.1:0',
  httpListen: '127.0.0.1:0',
  ackTimeout: '5',
  driftInterval: '30',
  logLevel: 'silent',
});

describe('meshplane serve --store', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
  const fixture = (operatorYaml?: string) => {
    const repo = makeGitRepo();
    const dataDir = tempDir();
    cleanups.push(() => repo.remove(), () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const options = base(repo.dir, dataDir);
    if (operatorYaml === undefined) return options;
    const config = path.join(tempDir(), 'meshplane.yaml');
    fs.writeFileSync(config, operatorYaml);
    cleanups.push(() => fs.rmSync(path.dirname(config), { recursive: true, force: true }));
    return { ...options, config };
  };

  const cases: { name: string; yaml?: string; flags: Partial<ServeOptions>; message: RegExp }[] = [
    { name: '--store etcd without endpoints', flags: { store: 'etcd' }, message: /--store etcd needs --etcd-endpoints/ },
    { name: 'an unknown backend', flags: { store: 'zookeeper' }, message: /--store "zookeeper" is not a backend/ },
    { name: 'an endpoint that is not a URL', flags: { store: 'etcd', etcdEndpoints: '127.0.0.1:2379' }, message: /--etcd-endpoints: etcd endpoint "127\.0\.0\.1:2379" is not a URL/ },
    {
      name: 'a bad store section of the configuration, with file and line',
      yaml: 'listen: { http: 127.0.0.1:0 }\nstore:\n  backend: etcd\n  etcd:\n    endpoints: [localhost]\n',
      flags: {},
      message: /meshplane\.yaml:5:\d+: CONFIG-SCHEMA store\.etcd\.endpoints\[0\] is "localhost"; it must match/,
    },
    {
      name: 'an auth variable that is not set',
      flags: { store: 'etcd', etcdEndpoints: 'http://127.0.0.1:1', etcdUserEnv: 'MESHPLANE_TEST_NO_SUCH_USER', etcdPasswordEnv: 'MESHPLANE_TEST_NO_SUCH_PASSWORD' },
      message: /environment variable MESHPLANE_TEST_NO_SUCH_USER, which is not set/,
    },
  ];
  for (const { name, yaml, flags, message } of cases) {
    it(`refuses ${name} as a usage error`, async () => {
      const options = { ...fixture(yaml), ...flags };
      await assert.rejects(runServe(options, captureTerminal()), (error: unknown) => {
        assert.ok(error instanceof UsageError, String(error));
        assert.match(error.message, message);
        return true;
      });
      assert.equal(fs.existsSync(path.join(options.dataDir!, 'state')), false, 'nothing was written');
    });
  }
});
