// The model of one environment for commands that read it without changing anything (graph,
// route): --env from the working tree of --repo or from --ref, loaded and validated; an invalid
// environment is refused with its errors, and warnings stay out of the way of the answer
// (`meshplane validate` shows them).
import { MeshModel } from '../../provider/model/mesh-model';
import { validateEnvironment } from '../../provider/validate/validate';
import { loadEnvironment, LoadedEnvironment } from '../load/load-environment';
import { printDiagnostics, requireEnvironments } from './commands/plan';
import { openRepository, openSource } from './repository';
import { Terminal } from './terminal';

export interface ModelOptions {
  env: string;
  repo?: string;
  ref?: string;
}

export async function loadModel(options: ModelOptions, terminal: Terminal): Promise<{ loaded: LoadedEnvironment; model: MeshModel } | undefined> {
  const name = options.env;
  const source = await openSource(openRepository(options.repo), options.ref);
  await requireEnvironments(source, [name]);
  const loaded = await loadEnvironment(source, name);
  const result = validateEnvironment(loaded);
  if (!result.valid) {
    printDiagnostics(result.diagnostics.filter((d) => d.severity === 'error'), terminal);
    terminal.err(`${terminal.paint('red', 'invalid')}: environment ${name} has errors; fix them first (meshplane validate --env ${name}).\n`);
    return undefined;
  }
  return { loaded, model: new MeshModel(loaded.resources) };
}
