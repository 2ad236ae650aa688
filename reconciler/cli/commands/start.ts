// `meshplane start` (what `npm start` runs): the daemon on this package's own environments/, with
// the embedded defaults (git notes statuses, embedded registry and state store, loopback ports),
// and a note of where to look. A checkout is served in place (its current branch); an installed
// package has no git history, so its environments are first committed to a quickstart
// repository under .meshplane/ in the current directory (the package's own folder may be read-only).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { Daemon, DAEMON_DEFAULTS } from '../../daemon/daemon';
import { PACKAGE_ROOT } from '../../../provider/package-root';
import { gitAt } from '../../source/git';
import { Terminal } from '../terminal';
import { runServe, ServeOptions } from './serve';

export function startCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('start')
    .description("Serve this package's environments/ with the embedded defaults (git notes, embedded registry, loopback ports), and print where to look.")
    .option('--xds-listen <host:port>', `xDS (ADS) address (default ${DAEMON_DEFAULTS.xdsListen})`)
    .option('--http-listen <host:port>', `HTTP address (default ${DAEMON_DEFAULTS.httpListen})`)
    .option('--log-format <format>', 'auto (human lines on a terminal, JSON otherwise), json or pretty')
    .action(async (options: { xdsListen?: string; httpListen?: string; logFormat?: string }) => {
      const { repo, branch, dataDir } = await quickstartRepository(PACKAGE_ROOT, process.cwd());
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
      done(await runServe(serve, terminal, (daemon) => terminal.err(whereToLook(daemon, repo, branch))));
    });
}

/**
 * The package itself when it is a checkout on a branch; else a repository seeded from its
 * environments/ under `<workDir>/.meshplane/quickstart`. The data dir is `.meshplane/` beside it.
 */
export async function quickstartRepository(root: string, workDir: string): Promise<{ repo: string; branch: string; dataDir: string }> {
  const git = gitAt(root);
  const top = await git.raw(['rev-parse', '--show-toplevel']).then((out) => out.trim(), () => '');
  const branch = top ? await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).then((out) => out.trim(), () => '') : '';
  if (top && branch && fs.realpathSync(top) === fs.realpathSync(root)) return { repo: root, branch, dataDir: path.join(root, '.meshplane') };
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
