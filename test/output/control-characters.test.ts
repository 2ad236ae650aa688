// A commit whose file and resource names carry terminal control sequences and forged lines: every
// surface that shows them (terminal, logs, commit statuses, dashboard) shows them escaped.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Daemon } from '../../reconciler/daemon/daemon';
import { PRINTABLE_LOG_OPTIONS } from '../../reconciler/logging/printable-log';
import { printable } from '../../provider/text/printable';
import { cleanupAfterEach } from '../helpers/cleanups';
import { eventually } from '../helpers/eventually';
import { runMeshplane } from '../helpers/run-meshplane';
import { GitRepo } from '../helpers/temp-repo';

const EVIL_FILE = 'environments/apps/evil\u001b[31m.yaml';
const ESCAPED_FILE = 'environments/apps/evil\\x1b[31m.yaml';
// YAML double quotes turn \r, \n and \e into the characters themselves.
const FORGED_NODE = 'kind: VirtualNode\nmeshName: apps\nvirtualNodeName: "serviceX\\r\\nerror: all good\\e[2J\\e]0;owned\\a"\nspec: {}\n';
const ESCAPED_NAME = 'serviceX\\r\\nerror: all good\\x1b[2J\\x1b]0;owned\\x07';

/** Any control character but the line feeds that end lines (and, where allowed, tabs). */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function commitEvil(repo: GitRepo): string {
  return repo.commit('a file and a node named to attack terminals', {
    [EVIL_FILE]: 'kind: Mesh\nmeshName: [apps\n',
    'environments/apps/nodes/forged.yaml': FORGED_NODE,
  });
}

describe('control characters from a commit are escaped on every surface', function () {
  this.timeout(90_000);
  const cleanups = cleanupAfterEach();

  it('printable() escapes C0, C1, DEL and bidi controls and leaves other text alone', () => {
    assert.equal(printable('a\u001b[31mb\r\n\t\u0000\u007f\u009b\u202e\u2028é🚀/\\'), 'a\\x1b[31mb\\r\\n\\t\\x00\\x7f\\x9b\\u202e\\u2028é🚀/\\');
  });

  it('terminal: meshplane validate and meshplane status print the names escaped', async () => {
    const repo = cleanups.gitRepo();
    const commit = commitEvil(repo);
    const run = await runMeshplane('validate', '--repo', repo.dir, '--env', 'apps');
    assert.equal(run.code, 1);
    const output = run.stdout + run.stderr;
    assert.ok(!RAW_CONTROL.test(output), JSON.stringify(output));
    assert.ok(output.includes(`${ESCAPED_FILE}:3:1: error LOAD-YAML`), output);
    assert.ok(output.includes(`name "${ESCAPED_NAME}" contains control characters (shown escaped)`), output);

    // A note written by anyone with push access, read back by `meshplane status`.
    const note = { statuses: { 'meshplane/apps\u001b[2J/validate': { state: 'failure', description: 'forged\r\n\u001b[32mall good', updatedAt: new Date().toISOString() } } };
    repo.git('notes', '--ref=meshplane', 'add', '-f', '-m', JSON.stringify(note), commit);
    const status = await runMeshplane('status', '--repo', repo.dir, '--commit', commit);
    assert.ok(!RAW_CONTROL.test(status.stdout + status.stderr), JSON.stringify(status));
    assert.match(status.stdout, /meshplane\/apps\\x1b\[2J\/validate .*forged\\r\\n\\x1b\[32mall good/);
  });

  it('logs, commit statuses (git notes) and the dashboard of a running daemon show them escaped', async () => {
    const repo = cleanups.gitRepo();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(...String(chunk).split(/(?<=\n)/)), done()) });
    const dataDir = cleanups.tempDir('meshplane-control-');
    const daemon = await Daemon.start({
      repo: repo.dir,
      dataDir,
      xdsListen: '127.0.0.1:0',
      httpListen: '127.0.0.1:0',
      pollIntervalMs: 200,
      ackTimeoutMs: 2000,
      log: pino({ ...PRINTABLE_LOG_OPTIONS, level: 'info' }, sink),
    });
    cleanups.push(() => daemon.stop());
    const commit = commitEvil(repo);
    const validate = await eventually('the validate status of the evil commit', () => daemon.book.get(commit)?.statuses.find((s) => s.context === 'meshplane/apps/validate'), 30_000);

    // Commit statuses: the description the reporters get, and the git note written for it.
    assert.equal(validate.state, 'failure');
    assert.ok(validate.description.includes(ESCAPED_FILE), validate.description);
    assert.ok(!RAW_CONTROL.test(validate.description));
    const note = await eventually('the git note', () => {
      try {
        return repo.git('notes', '--ref=meshplane', 'show', commit) || undefined;
      } catch {
        return undefined;
      }
    }, 30_000);
    assert.ok(note.includes(ESCAPED_FILE.replace(/\\/g, '\\\\')), note);
    assert.ok(!RAW_CONTROL.test(note));

    // Logs: every line is one JSON object without raw control characters; the names are in them, escaped.
    await eventually('a log line about the evil commit', () => lines.find((line) => line.includes(commit) && line.includes('evil')), 10_000);
    for (const line of lines) {
      assert.ok(line.endsWith('\n') && !RAW_CONTROL.test(line.slice(0, -1)), JSON.stringify(line));
      JSON.parse(line);
    }
    assert.ok(lines.some((line) => JSON.parse(line).msg?.includes(ESCAPED_FILE)), lines.join(''));

    // Dashboard: its JSON carries the texts escaped (the page escapes HTML on top: esc() in app.js).
    for (const path of ['/api/dashboard/snapshot', `/api/dashboard/commits/${commit}`]) {
      const body = await (await fetch(`${daemon.httpUrl}${path}`)).text();
      const strings: string[] = [];
      JSON.parse(body, (_key, value) => (typeof value === 'string' && strings.push(value), value));
      assert.ok(strings.some((text) => text.includes(ESCAPED_FILE)), `${path}: ${body}`);
      for (const text of strings) assert.ok(!RAW_CONTROL.test(text), `${path}: ${JSON.stringify(text)}`);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
