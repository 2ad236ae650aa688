// `meshplane init [dir]`: scaffold a mesh repository a newcomer can validate, plan and serve at once:
// one environment with a small valid mesh, editor schema lines, a .gitignore for what meshplane
// writes beside it, and a CI recipe. It never overwrites: if any file it would write exists,
// it writes nothing and names them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { PACKAGE_ROOT } from '../../../provider/package-root';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';

export interface InitOptions {
  env: string;
  mesh?: string;
  ci: 'github' | 'gitlab' | 'none';
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Where each CI recipe of examples/ci goes in the new repository. */
const CI_RECIPES = {
  github: { from: 'github-actions.yml', to: '.github/workflows/meshplane-review.yml' },
  gitlab: { from: 'gitlab-ci.yml', to: '.gitlab-ci.yml' },
} as const;

export function initCommand(terminal: Terminal, done: (code: number) => void): Command {
  return new Command('init')
    .description('Scaffold a mesh repository in <dir>: environments/<env>/ with a small valid mesh, editor schema lines, .gitignore and a CI recipe. Never overwrites a file.')
    .argument('[dir]', 'the repository directory (created if missing)', '.')
    .option('--env <name>', 'the environment to create', 'dev')
    .option('--mesh <name>', 'the mesh name (default: the environment name)')
    .addOption(new Option('--ci <recipe>', 'CI recipe to copy from examples/ci').choices(['github', 'gitlab', 'none']).default('github'))
    .action((dir: string, options: InitOptions) => done(runInit(dir, options, terminal)));
}

export function runInit(dir: string, options: InitOptions, terminal: Terminal): number {
  const mesh = options.mesh ?? options.env;
  for (const [flag, value] of [['--env', options.env], ['--mesh', mesh]] as const) {
    if (!NAME.test(value)) throw new UsageError(`${flag} "${value}" must be 1-63 lower-case letters, digits or hyphens, starting with a letter or digit.`);
  }
  const root = path.resolve(dir);
  const files = scaffold(root, options.env, mesh, options.ci);
  const existing = Object.keys(files).filter((relative) => fs.existsSync(path.join(root, relative)));
  if (existing.length > 0) {
    terminal.err(`meshplane init: not writing anything: these files already exist in ${root}:\n${existing.map((f) => `  ${f}\n`).join('')}` +
      'Move them away, or choose another directory or --env.\n');
    return EXIT_FAILURE;
  }
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content, { flag: 'wx' });
    terminal.out(`created ${relative}\n`);
  }
  terminal.out(
    `\nNext (docs/tutorial.md):\n` +
      `  cd ${dir} && git init && git add -A && git commit -m "mesh ${mesh}"\n` +
      `  meshplane validate && meshplane plan --env ${options.env}\n` +
      `  meshplane serve    # follows the branch; commit to change the mesh\n`,
  );
  return EXIT_OK;
}

/** The files of the new repository by relative path. */
function scaffold(root: string, env: string, mesh: string, ci: InitOptions['ci']): Record<string, string> {
  const envDir = `environments/${env}`;
  // The editor's schema line: a path from the file to this package's schemas/ (inside node_modules
  // when meshplane is a dependency of the repository; wherever it is installed otherwise).
  const schema = (file: string, kind: string) => {
    const relative = path.relative(path.dirname(path.join(root, file)), path.join(PACKAGE_ROOT, 'schemas', `${kind}.schema.json`));
    return `# yaml-language-server: $schema=${relative.split(path.sep).join('/')}\n`;
  };
  const doc = (file: string, kind: string, body: string) => ({ [file]: schema(file, kind) + body });
  const files: Record<string, string> = {
    '.gitignore': '# written by meshplane beside the repository: state, clones and synthesized Terraform\n.meshplane/\ncdktf.out/\n',
    ...doc(`${envDir}/environment.yaml`, 'environment', `# Settings of the ${env} environment: docs/repository-format.md#environmentyaml (every key is optional).\naccount: "111122223333"\nregion: us-west-2\n`),
    ...doc(`${envDir}/mesh.yaml`, 'mesh', `kind: Mesh\nmeshName: ${mesh}\nspec:\n  egressFilter:\n    type: DROP_ALL\n`),
    ...doc(`${envDir}/nodes/web.yaml`, 'virtual-node',
      `# The front end: it calls api.${mesh}.local, so its proxy gets a route and a cluster for it.\nkind: VirtualNode\nmeshName: ${mesh}\nvirtualNodeName: web\nspec:\n  listeners:\n    - portMapping:\n        port: 8080\n        protocol: http2\n  serviceDiscovery:\n    dns:\n      hostname: web.${mesh}.local\n  backends:\n    - virtualService:\n        virtualServiceName: api.${mesh}.local\n`),
    ...doc(`${envDir}/nodes/api.yaml`, 'virtual-node',
      `kind: VirtualNode\nmeshName: ${mesh}\nvirtualNodeName: api\nspec:\n  listeners:\n    - portMapping:\n        port: 8080\n        protocol: http2\n  serviceDiscovery:\n    dns:\n      hostname: api.${mesh}.local\n`),
    ...doc(`${envDir}/services/api.yaml`, 'virtual-service',
      `# api.${mesh}.local is served by the api router: its route sends every request to the api node.\nkind: VirtualService\nmeshName: ${mesh}\nvirtualServiceName: api.${mesh}.local\nspec:\n  provider:\n    virtualRouter:\n      virtualRouterName: api\n`),
    ...doc(`${envDir}/routing/api-router.yaml`, 'virtual-router',
      `kind: VirtualRouter\nmeshName: ${mesh}\nvirtualRouterName: api\nspec:\n  listeners:\n    - portMapping:\n        port: 8080\n        protocol: http2\n`),
    ...doc(`${envDir}/routing/api-route.yaml`, 'route',
      `# Add a second node (api-v2) and a second weighted target to shift traffic with a commit.\nkind: Route\nmeshName: ${mesh}\nvirtualRouterName: api\nrouteName: api\nspec:\n  http2Route:\n    match:\n      prefix: /\n    action:\n      weightedTargets:\n        - virtualNode: api\n          weight: 100\n`),
  };
  if (ci !== 'none') files[CI_RECIPES[ci].to] = fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', 'ci', CI_RECIPES[ci].from), 'utf8');
  return files;
}
