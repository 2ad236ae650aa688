// The command blocks of README.md and docs/*.md, and how each is run by the docs-commands test
// (docs/development.md, "Command blocks in the docs are tests"). A `sh` block is a script; in a
// `console` block the lines starting with `$ ` are the commands and the other lines their output.
// A marker comment on the line just before the fence says how to run it:
//   <!-- docs-test: skip <reason> -->               not run here (needs AWS, a remote, a cluster…): the reason is required
//   <!-- docs-test: fails -->                       must exit non-zero (a documented error)
//   <!-- docs-test: background until "<text>" -->   a long-running command (a daemon): started, must print <text>
//                                                   and keep running; stopped when the page's blocks are done
// and one page-level marker anywhere in the page:
//   <!-- docs-test: empty-dir -->                   the page starts in an empty directory (default: a mesh repository)
import * as fs from 'node:fs';
import * as path from 'node:path';

export type BlockMode = { kind: 'run' } | { kind: 'fails' } | { kind: 'skip'; reason: string } | { kind: 'background'; until: string };

export interface CommandBlock {
  /** Path relative to the package root, and the 1-based line of the opening fence. */
  file: string;
  line: number;
  language: 'sh' | 'console';
  /** The script to run: the block itself (sh), or its `$ ` lines (console). */
  script: string;
  mode: BlockMode;
}

export interface DocPage {
  file: string;
  emptyDir: boolean;
  blocks: CommandBlock[];
}

const MARKER = /^<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;

export function docPages(root: string): string[] {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

export function parsePage(root: string, file: string): DocPage {
  const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
  const blocks: CommandBlock[] = [];
  let emptyDir = false;
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i].trim());
    if (marker?.[1] === 'empty-dir') emptyDir = true;
    const fence = FENCE.exec(lines[i]);
    if (!fence) continue;
    const [, indent, ticks, language] = fence;
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(ticks)) body.push(lines[end++].slice(indent.length));
    if (language === 'sh' || language === 'console') {
      const previous = i > 0 ? MARKER.exec(lines[i - 1].trim())?.[1] : undefined;
      blocks.push({ file, line: i + 1, language, script: language === 'sh' ? body.join('\n') : consoleCommands(body), mode: blockMode(previous, `${file}:${i + 1}`) });
    }
    i = end;
  }
  return { file, emptyDir, blocks };
}

/** The `$ ` lines of a console block; a line ending in `\` continues on the next. */
function consoleCommands(body: string[]): string {
  const commands: string[] = [];
  for (let i = 0; i < body.length; i++) {
    if (!body[i].startsWith('$ ')) continue;
    let command = body[i].slice(2);
    while (command.endsWith('\\') && i + 1 < body.length) command += '\n' + body[++i];
    commands.push(command);
  }
  return commands.join('\n');
}

function blockMode(marker: string | undefined, where: string): BlockMode {
  if (marker === undefined || marker === 'empty-dir') return { kind: 'run' };
  if (marker === 'fails') return { kind: 'fails' };
  const skip = /^skip\s+(\S.*)$/.exec(marker);
  if (skip) return { kind: 'skip', reason: skip[1] };
  const background = /^background until "(.+)"$/.exec(marker);
  if (background) return { kind: 'background', until: background[1] };
  throw new Error(`${where}: unknown docs-test marker "${marker}" (skip <reason> | fails | background until "<text>" | empty-dir)`);
}
