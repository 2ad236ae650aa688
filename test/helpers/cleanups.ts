// What a test leaves behind (repositories, temp dirs, servers), undone after each test of the suite
// that asks for it, newest first.
import * as fs from 'node:fs';
import { GitRepo, GitRepoOptions, makeGitRepo, tempDir } from './temp-repo';

export interface Cleanups {
  /** Runs `step` after the current test. */
  push(step: () => void | Promise<void>): void;
  /** A git repository (see makeGitRepo), removed after the test. */
  gitRepo(options?: GitRepoOptions): GitRepo;
  /** An empty temp dir, removed after the test. */
  tempDir(prefix?: string): string;
}

/** Call inside a `describe`: registers the afterEach that runs what the tests pushed. */
export function cleanupAfterEach(): Cleanups {
  const steps: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  const push = (step: () => void | Promise<void>) => void steps.push(step);
  return {
    push,
    gitRepo(options) {
      const repo = makeGitRepo(options);
      push(repo.remove);
      return repo;
    },
    tempDir(prefix) {
      const dir = tempDir(prefix);
      push(() => fs.rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
