// The options that locate the data directory the CLI shares with the daemon (see state/state-dir.ts).
import { Command } from 'commander';

export function addStateLocationOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', "the daemon's data directory, shared with it (default: $MESHPLANE_DATA_DIR, else <repo>/.meshplane); the state store is its state/ folder")
    .option('--state-dir <dir>', 'a state store directory other than <data-dir>/state (default: $MESHPLANE_STATE_DIR)');
}
