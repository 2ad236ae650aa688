// `meshplane start` (what `npm start` runs): the daemon on this package's own environments/, with
// the embedded defaults (git notes statuses, embedded registry and state store, loopback ports),
// and a note of where to look. A checkout is served in place (its current branch); an installed
// package has no git history, so its environments are first committed to a quickstart
// repository under .meshplane/ in the current directory (the package's own folder may be read-only).
// With --demo (what `npm start` runs) the quickstart repository is always used, so the commits the
// tour invites go there and never into a checkout, and the canary's services run live beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { Daemon, DAEMON_DEFAULTS } from '../../daemon/daemon';
import { PACKAGE_ROOT } from '../../../provider/package-root';
import { gitAt } from '../../source/git';
import { Terminal } from '../terminal';
import { DEMO_ROUTING_FILE, DemoMesh } from '../../demo/demo-mesh';
import { describeShares } from '../../demo/traffic-window';
import { runServe, ServeOptions } from './serve';

/** How often the demo prints where serviceA's calls go. */
const TRAFFIC_LINE_MS = 5_000;

export function startCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('start')
    .description("Serve this package's environments/ with the embedded defaults (git notes, embedded registry, loopback ports), and print where to look.")
    .option('--xds-listen <host:port>', `xDS (ADS) address (default ${DAEMON_DEFAULTS.xdsListen})`)
    .option('--http-listen <host:port>', `HTTP address (default ${DAEMON_DEFAULTS.httpListen})`)
    .option('--log-format <format>', 'auto (human lines on a terminal, JSON otherwise), json or pretty')
    .option('--demo', "also run the apps canary's services: serviceB and serviceBv2 as gRPC servers, serviceA as a proxyless gRPC client calling serviceb.apps.local (serves .meshplane/quickstart, never a checkout)")
    .action(async (options: { xdsListen?: string; httpListen?: string; logFormat?: string; demo?: boolean }) => {
      const { repo, branch, dataDir } = await quickstartRepository(PACKAGE_ROOT, process.cwd(), { inPlace: !options.demo });
      const serve: ServeOptions = {
        repo,
        branch,
        dataDir,
        xdsListen: options.xdsListen,
        httpListen: options.httpListen,
        logFormat: options.logFormat,
        ackTimeout: String(DAEMON_DEFAULTS.ackTimeoutMs / 1000),
        driftInterval: String(DAEMON_DEFAULTS.driftIntervalMs / 1000),
      };
      done(
        await runServe(serve, terminal, async (daemon) => {
          terminal.err(whereToLook(daemon, repo, branch));
          if (options.demo) return runDemo(daemon, repo, terminal);
        }),
      );
    });
}

/**
 * The package itself when it is a checkout on a branch (unless `inPlace` is false); else a
 * repository seeded from its environments/ under `<workDir>/.meshplane/quickstart`. The data dir
 * is `.meshplane/` beside it.
 */
export async function quickstartRepository(root: string, workDir: string, { inPlace = true } = {}): Promise<{ repo: string; branch: string; dataDir: string }> {
  const git = gitAt(root);
  const top = await git.raw(['rev-parse', '--show-toplevel']).then((out) => out.trim(), () => '');
  const branch = top ? await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).then((out) => out.trim(), () => '') : '';
  if (inPlace && top && branch && fs.realpathSync(top) === fs.realpathSync(root)) return { repo: root, branch, dataDir: path.join(root, '.meshplane') };
  const dataDir = path.join(workDir, '.meshplane');
  const repo = path.join(dataDir, 'quickstart');
  if (!fs.existsSync(path.join(repo, '.git'))) {
    fs.mkdirSync(repo, { recursive: true });
    fs.cpSync(path.join(root, 'environments'), path.join(repo, 'environments'), { recursive: true });
    const seed = gitAt(repo);
    await seed.raw(['init', '--quiet', '--initial-branch=main']);
    await seed.raw(['add', 'environments']);
    // An identity of its own: the machine may have no git user configured.
    await seed.raw(['-c', 'user.name=meshplane', '-c', 'user.email=meshplane@localhost', 'commit', '--quiet', '-m', 'meshplane quickstart: the bundled environments']);
  }
  return { repo, branch: 'main', dataDir };
}

function whereToLook(daemon: Daemon, repo: string, branch: string): string {
  const http = daemon.httpUrl;
  return [
    '',
    `meshplane is serving ${path.join(repo, 'environments')} (branch ${branch}); commit there and it goes live.`,
    `  status page    ${http}/`,
    `  environments   ${http}/api/environments`,
    `  proxies        ${http}/api/proxies`,
    `  metrics        ${http}/metrics`,
    `  xDS            ${daemon.xdsAddress}   e.g. meshplane bootstrap --node mesh/apps/virtualNode/serviceA --xds ${daemon.xdsAddress}`,
    `  statuses       git -C ${repo} log --notes=meshplane -1   or   meshplane status --repo ${repo}`,
    'Logs follow on stdout (human lines on a terminal, JSON otherwise: --log-format). Stop with Ctrl-C.',
    '',
  ].join('\n');
}

/** Starts the canary's services and prints where serviceA's calls go; returns how to stop them. */
async function runDemo(daemon: Daemon, repo: string, terminal: Terminal): Promise<() => Promise<void>> {
  const demo = await DemoMesh.start({ registry: daemon.registry, xdsAddress: daemon.xdsAddress });
  daemon.showTraffic(() => demo.traffic());
  const routing = path.join(repo, DEMO_ROUTING_FILE);
  terminal.err(
    [
      'Demo: serviceB and serviceBv2 answer gRPC calls; serviceA (a proxyless gRPC client) calls serviceb.apps.local, split 75/25 by the route.',
      'Move the traffic with a commit, and watch the split change here and on the status page:',
      `  sed -i 's/weight: 75/weight: 0/; s/weight: 25/weight: 100/' ${routing}`,
      `  git -C ${repo} commit -qam 'serviceB: all traffic to serviceBv2'`,
      '',
    ].join('\n'),
  );
  const timer = setInterval(() => {
    const [report] = demo.traffic();
    terminal.err(`traffic  serviceA -> serviceb.apps.local  ${describeShares(report)}  (last ${report.calls} calls, ${report.rate}/s)\n`);
  }, TRAFFIC_LINE_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await demo.stop();
  };
}
