// Child process for the SIGKILL test: applies revision after revision to one state directory,
// printing each committed revision number, until it is killed.
import { applyEnvironment } from '../../reconciler/plan';
import { FileStateStore } from '../../reconciler/state';
import { markedResources, SETTINGS } from './state-fixtures';

/** Announces each commit, so the parent can aim some kills inside the write window. */
class AnnouncingStore extends FileStateStore {
  override async commit(...args: Parameters<FileStateStore['commit']>): Promise<void> {
    process.stdout.write('committing\n');
    return super.commit(...args);
  }
}

async function loop(stateDir: string, count: number): Promise<void> {
  const store = new AnnouncingStore(stateDir);
  for (;;) {
    const current = await store.read(SETTINGS.name);
    const marker = (current?.revision ?? 0) + 1;
    const result = await applyEnvironment({ store, config: SETTINGS, desired: markedResources(marker, count), commit: `c${marker}`, lockTimeoutMs: 5000 });
    process.stdout.write(`${result.revision?.revision}\n`);
  }
}

loop(process.argv[2], Number(process.argv[3])).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
