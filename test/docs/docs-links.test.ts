// The README is the map of the docs: it links every docs/*.md page, and no relative link in the
// README or in docs/ points at a file (or a heading of a page) that does not exist.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { docPages } from './doc-blocks';

// [text](target) outside code: fenced blocks and `inline code` are removed first.
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

function withoutFences(markdown: string): string {
  return markdown.replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, '');
}

function prose(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

function links(file: string): string[] {
  return [...prose(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).matchAll(LINK)].map((m) => m[1]);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutFences(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe('docs: links', () => {
  it('the README links every docs/*.md page', () => {
    const linked = new Set(links('README.md').map((target) => path.normalize(target.split('#')[0])));
    const pages = docPages(REPO_ROOT).filter((file) => file !== 'README.md');
    assert.deepEqual(pages.filter((page) => !linked.has(page)), []);
  });

  it('every relative link of README.md and docs/*.md resolves to a file, and its #anchor to a heading', () => {
    const broken: string[] = [];
    for (const file of docPages(REPO_ROOT)) {
      for (const target of links(file)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [relative, anchor] = target.split('#');
        const resolved = relative === '' ? file : path.normalize(path.join(path.dirname(file), relative));
        if (!fs.existsSync(path.join(REPO_ROOT, resolved))) broken.push(`${file}: ${target} (no ${resolved})`);
        else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
