// `meshplane route`: where does this request go? From a virtual node or gateway, the virtual
// host, the route chosen (priority, match), weighted targets, timeouts and retries in force,
// answered by running the request through the proxy's translated Envoy configuration.
import { Command, Option } from 'commander';
import { explainRoute, formatExplanationText, parseRequest, RouteExplainError } from '../../route-explain';
import { loadModel } from '../load-model';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';
import { withCommandErrors } from './plan';

export interface RouteOptions {
  env: string;
  from: string;
  repo?: string;
  ref?: string;
  mesh?: string;
  header: string[];
  grpc?: string;
  client: 'envoy' | 'grpc';
  format: 'text' | 'json';
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function routeCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('route')
    .description('Explain where a request goes from a virtual node or gateway: virtual host, the route chosen (priority, match), weighted targets, timeouts and retries.')
    .argument('<request...>', '[METHOD] <url>, e.g. GET http://serviceb.apps.local/api?x=1; with --grpc, the target host[:port]')
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--from <proxy>', 'the sending virtual node or virtual gateway: a name, VirtualNode/<mesh>/<name> or mesh/<mesh>/virtualNode/<name>')
    .option('-H, --header <header>', 'request header "name: value" (repeatable); a Host header overrides the URL host', collect, [])
    .option('--grpc <service/method>', 'a gRPC call, e.g. orders.v1.OrderService/GetOrder (headers become metadata)')
    .addOption(new Option('--client <flavour>', 'envoy: the sidecar or gateway Envoy; grpc: a proxyless gRPC client with that identity').choices(['envoy', 'grpc']).default('envoy'))
    .option('--mesh <name>', 'the mesh of --from when the name exists in several')
    .option('--repo <dir>', 'mesh repository holding environments/ (default: current directory)')
    .option('--ref <git-ref>', 'the environment as of a commit, branch or tag instead of the working tree')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (args: string[], options: RouteOptions) => done(await runRoute(args, options, terminal)));
}

export async function runRoute(args: readonly string[], options: RouteOptions, terminal: Terminal): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const found = await loadModel(options, terminal);
    if (!found) return EXIT_FAILURE;
    try {
      const request = parseRequest({ args, headers: options.header, grpc: options.grpc });
      const explanation = explainRoute({ model: found.model, config: found.loaded.config, from: options.from, mesh: options.mesh, request, flavour: options.client });
      terminal.out(options.format === 'json' ? JSON.stringify(explanation, null, 2) + '\n' : formatExplanationText(explanation, terminal.paint));
      return explanation.outcome === 'routed' || explanation.outcome === 'tcp' || explanation.outcome === 'passthrough' ? EXIT_OK : EXIT_FAILURE;
    } catch (error) {
      if (error instanceof RouteExplainError) throw new UsageError(error.message);
      throw error;
    }
  });
}
