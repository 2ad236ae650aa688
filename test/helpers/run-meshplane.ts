// Runs the meshplane CLI in process, as `meshplane <args>` would, and records what it printed.
import { main } from '../../reconciler/cli/main';
import { captureTerminal } from './capture-terminal';

export interface MeshplaneRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMeshplane(...args: string[]): Promise<MeshplaneRun> {
  const terminal = captureTerminal();
  const code = await main(['node', 'meshplane', ...args], terminal);
  return { code, stdout: terminal.stdout, stderr: terminal.stderr };
}
