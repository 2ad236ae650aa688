// `meshplane graph`: the mesh of an environment as a Mermaid, DOT or SVG graph, for docs and
// pull requests; with --server, proxies a running daemon sees NACKing are marked.
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { buildMeshGraph, GRAPH_FORMATS, GraphFormat, ProxyMark, renderGraph } from '../../../provider/graph';
import { proxyMarks, ProxyStatusLike } from '../../dashboard/proxy-marks';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';
import { loadModel } from '../load-model';
import { withCommandErrors } from './plan';

export interface GraphOptions {
  env: string;
  repo?: string;
  ref?: string;
  mesh?: string;
  format: GraphFormat;
  server?: string;
  output?: string;
}

export function graphCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('graph')
    .description('Draw the mesh of an environment: virtual gateways → gateway routes → virtual services → routers → routes (weights) → virtual nodes → backends.')
    .requiredOption('--env <name>', 'environment to draw')
    .option('--repo <dir>', 'mesh repository holding environments/ (default: current directory)')
    .option('--ref <git-ref>', 'draw the environment as of a commit, branch or tag instead of the working tree')
    .option('--mesh <name>', 'only this mesh (default: every mesh of the environment)')
    .addOption(new Option('--format <format>', 'mermaid (Markdown, GitHub), dot (Graphviz) or svg (standalone image)').choices([...GRAPH_FORMATS]).default('mermaid'))
    .option('--server <url>', 'mark the proxies a running daemon sees NACKing (GET /api/proxies; sends $MESHPLANE_DASHBOARD_TOKEN as bearer token when set)')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (options: GraphOptions) => done(await runGraph(options, terminal)));
}

export async function runGraph(options: GraphOptions, terminal: Terminal): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const found = await loadModel(options, terminal);
    if (!found) return EXIT_FAILURE;
    const { model } = found;
    const meshes = model.list('Mesh').map((m) => m.identity.meshName);
    if (options.mesh !== undefined && !meshes.includes(options.mesh)) {
      throw new UsageError(`environment ${options.env} has no mesh "${options.mesh}"; meshes: ${meshes.join(', ') || 'none'}.`);
    }
    const marks = options.server ? await fetchMarks(options.server) : [];
    const text = renderGraph(buildMeshGraph(model, { mesh: options.mesh, marks }), options.format);
    if (options.output) {
      fs.writeFileSync(options.output, text);
      terminal.err(`meshplane: wrote the ${options.format} graph of environment ${options.env} to ${options.output}\n`);
    } else {
      terminal.out(text);
    }
    return EXIT_OK;
  });
}

async function fetchMarks(server: string): Promise<ProxyMark[]> {
  const url = `${server.replace(/\/+$/, '')}/api/proxies`;
  const token = process.env.MESHPLANE_DASHBOARD_TOKEN;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  } catch (error) {
    throw new UsageError(`cannot reach the daemon at ${server} (${(error as Error).message}). Check that the daemon runs and that --server is its HTTP address.`);
  }
  if (!response.ok) throw new UsageError(`the daemon at ${server} answered ${response.status} for ${url}${response.status === 401 ? '; set MESHPLANE_DASHBOARD_TOKEN to the daemon’s dashboard token' : ''}.`);
  const body = (await response.json()) as { proxies?: ProxyStatusLike[] };
  return proxyMarks(body.proxies ?? []);
}
