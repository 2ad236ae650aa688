// CLI progress: a redrawn line on a terminal (bar or spinner, colour only when allowed), plain
// lines elsewhere, nothing for short work (a fake clock drives the time); and validate using it
// on standard error only.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startProgress } from '../../reconciler/cli/progress';
import { captureTerminal, CapturedTerminal } from '../helpers/capture-terminal';
import { REPO_ROOT } from '../helpers/paths';

function terminal(isTTY: boolean, color = false): CapturedTerminal {
  // captureTerminal's writers refer to the object itself, so its terminal facts can be changed.
  return Object.assign(captureTerminal(), { isTTY, color, paint: (style: string, text: string) => (color ? `<${style}>${text}</${style}>` : text) });
}

function clock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('CLI progress', () => {
  it('shows nothing for work shorter than the delay', () => {
    for (const tty of [true, false]) {
      const term = terminal(tty);
      const c = clock();
      const p = startProgress(term, { label: 'validating', total: 3, unit: 'environments', now: c.now });
      p.tick('a');
      c.advance(100);
      p.tick('b');
      p.finish('3 environments');
      assert.equal(term.stderr, '', `tty=${tty}`);
      assert.equal(term.stdout, '');
    }
  });

  it('redraws one line with a bar on a terminal, throttled, and clears it at the end', () => {
    const term = terminal(true);
    const c = clock();
    const p = startProgress(term, { label: 'validating', total: 4, unit: 'environments', now: c.now });
    c.advance(500);
    p.update(1, 'apps');
    c.advance(10);
    p.update(2, 'ingress'); // within the redraw interval: not drawn
    c.advance(100);
    p.update(3, 'shop');
    p.finish();
    const frames = term.stderr.split('\r\u001b[2K').filter(Boolean);
    assert.deepEqual(frames, [
      `validating ${'█'.repeat(6)}${'░'.repeat(18)} 1/4 environments · apps (0.5s)`,
      `validating ${'█'.repeat(18)}${'░'.repeat(6)} 3/4 environments · shop (0.6s)`,
    ]);
    assert.ok(term.stderr.endsWith('\r\u001b[2K'), 'the line is cleared for the result');
    assert.ok(!term.stderr.includes('\n'));
  });

  it('colours the bar only when the terminal allows colour, and spins without a total', () => {
    const term = terminal(true, true);
    const c = clock();
    const p = startProgress(term, { label: 'waiting for proxies', unit: 'ACKed', now: c.now, delayMs: 0 });
    p.update(1);
    c.advance(100);
    p.update(2);
    assert.match(term.stderr, /waiting for proxies <cyan>⠋<\/cyan> 1 ACKed <dim>\(0\.0s\)<\/dim>/);
    assert.match(term.stderr, /waiting for proxies <cyan>⠙<\/cyan> 2 ACKed <dim>\(0\.1s\)<\/dim>/);
  });

  it('prints plain lines now and then without a terminal, and a closing line', () => {
    const term = terminal(false);
    const c = clock();
    const p = startProgress(term, { label: 'importing', total: 100, unit: 'files', now: c.now });
    c.advance(500);
    for (let i = 1; i <= 100; i++) {
      c.advance(50);
      p.update(i, `file-${i}.json`);
    }
    p.finish('100 files');
    const lines = term.stderr.trim().split('\n');
    assert.deepEqual(lines[0], 'meshplane: importing 1/100 files (file-1.json)');
    assert.equal(lines.length, 1 + Math.floor((99 * 50) / 2000) + 1, lines.join('\n'));
    assert.match(lines[lines.length - 1], /^meshplane: importing finished: 100 files in 5\.5s$/);
    assert.ok(!term.stderr.includes('\u001b'), 'no escape codes in logs');
  });

  it('meshplane validate keeps standard output clean when piped: progress lines only on standard error, only for long work', () => {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'meshplane'), 'validate', '--repo', REPO_ROOT, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).valid, true);
    assert.ok(!result.stdout.includes('meshplane: validating'));
    assert.ok(!/\u001b/.test(result.stderr));
  });
});
