// Child of spawn-failures.test.ts: uses up its file descriptors, then runs git through simple-git
// (as the daemon's git source does). Prints what happened as one JSON line, if it survives.
import * as fs from 'node:fs';
import { simpleGit } from 'simple-git';
import { onSpawnFailure } from '../../reconciler/daemon/spawn-failures';

async function main(): Promise<void> {
  const reported: string[] = [];
  if (process.argv[2] === 'guarded') onSpawnFailure((error) => reported.push(String(error.code)));
  const git = simpleGit(process.cwd());
  const held: number[] = [];
  try {
    for (let i = 0; i < 100_000; i++) held.push(fs.openSync('/dev/null', 'r'));
  } catch {
    // out of descriptors, as intended
  }
  const result = await git.raw(['--version']).then(
    () => 'ran',
    (error: Error) => `failed: ${error.message}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const fd of held) fs.closeSync(fd);
  // Descriptors back: git runs again (the retry the daemon's backoff makes).
  const retried = await git.raw(['--version']).then(() => 'ran', (error: Error) => `failed: ${error.message}`);
  process.stdout.write(JSON.stringify({ result, reported, retried }) + '\n');
}

void main();
