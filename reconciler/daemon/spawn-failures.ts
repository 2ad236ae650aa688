// Running out of file descriptors or processes must not stop the daemon. When spawn() fails that
// way (EMFILE, ENFILE, EAGAIN) Node returns a ChildProcess whose stdio is null and emits 'error' on
// it a tick later. simple-git reads `child.stdout` before it attaches its 'error' listener: its task
// fails (the git source reports it and retries with backoff), and the 'error' event then has no
// listener — an uncaught exception that exits the process. This guard gives every failed spawn of
// the process a listener that reports the failure instead. It is process-wide because the spawn
// calls are inside a dependency; it only adds a listener to children that failed to start.
import childProcess = require('node:child_process');

type SpawnFailureListener = (error: NodeJS.ErrnoException) => void;

const listeners = new Set<SpawnFailureListener>();
let installed = false;

/** Reports failed spawns to `listener` (and never lets them exit the process); returns the unsubscribe. */
export function onSpawnFailure(listener: SpawnFailureListener): () => void {
  install();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function install(): void {
  if (installed) return;
  installed = true;
  const spawn = childProcess.spawn;
  const guarded = function (this: unknown, ...args: Parameters<typeof spawn>) {
    const child = spawn.apply(this, args);
    // No pid: the process did not start, and 'error' follows on the next tick.
    if (child.pid === undefined) {
      child.once('error', (error: NodeJS.ErrnoException) => {
        for (const listener of listeners) listener(error);
      });
    }
    return child;
  } as typeof spawn;
  (childProcess as { spawn: typeof spawn }).spawn = guarded;
}
