// The model of one environment for commands that read it without changing anything (graph,
// route): loaded and validated; an invalid environment is refused with its errors, and
// warnings stay out of the way of the answer (`meshplane validate` shows them).
import { MeshModel } from '../../provider/model/mesh-model';
import { validateEnvironment } from '../../provider/validate/validate';
import { FileSource } from '../load/file-source';
import { loadEnvironment, LoadedEnvironment } from '../load/load-environment';
import { printDiagnostics } from './commands/plan';
import { Terminal } from './terminal';

export async function loadModel(source: FileSource, name: string, terminal: Terminal): Promise<{ loaded: LoadedEnvironment; model: MeshModel } | undefined> {
  const loaded = await loadEnvironment(source, name);
  const result = validateEnvironment(loaded);
  if (!result.valid) {
    printDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'), terminal);
    terminal.err(`${terminal.paint('red', 'invalid')}: environment ${name} has errors; fix them first (meshplane validate --env ${name}).\n`);
    return undefined;
  }
  return { loaded, model: new MeshModel(loaded.resources) };
}
