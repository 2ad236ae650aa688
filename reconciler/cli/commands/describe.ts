// `meshplane describe`: one applied resource in the exact JSON shape of `aws appmesh describe-*`
// output, so scripts written against App Mesh keep working.
import { Command } from 'commander';
import { identityKey } from '../../../provider/model/identity';
import { isKind, Kind, KIND_INFO, KINDS } from '../../../provider/model/kinds';
import { resourceData } from '../../api/resource-data';
import { AppliedResource, FileStateStore, resolveStateDir } from '../../state';
import { openRepository } from '../repository';
import { addStateLocationOptions } from '../state-location';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';
import { withCommandErrors } from './plan';

export interface DescribeOptions {
  env: string;
  repo?: string;
  dataDir?: string;
  stateDir?: string;
  meshName?: string;
  virtualRouterName?: string;
  virtualGatewayName?: string;
}

export function describeCommand(terminal: Terminal, done: (code: number) => void): Command {
  const command = new Command('describe')
    .description('Print an applied resource as `aws appmesh describe-<kind>` does: {"virtualNode": {meshName, virtualNodeName, spec, metadata, status}}.')
    .argument('<kind>', `resource kind: ${KINDS.join(', ')} (also virtual-node, virtualNode, …)`)
    .argument('<name>', 'resource name; for a route or gateway route also <router>/<route> or <gateway>/<route>')
    .requiredOption('--env <name>', 'environment')
    .option('--repo <dir>', 'mesh repository (default: current directory); locates the default data dir')
    .option('--mesh-name <mesh>', 'mesh of the resource (needed only when the name exists in several meshes)')
    .option('--virtual-router-name <router>', 'router of a route')
    .option('--virtual-gateway-name <gateway>', 'gateway of a gateway route');
  return addStateLocationOptions(command)
    .action(async (kind: string, name: string, options: DescribeOptions) => done(await runDescribe(kind, name, options, terminal)));
}

export function parseKind(input: string): Kind {
  const wanted = input.replace(/[-_]/g, '').toLowerCase();
  const kind = KINDS.find((k) => k.toLowerCase() === wanted);
  if (kind && isKind(kind)) return kind;
  throw new UsageError(`unknown kind "${input}"; use one of ${KINDS.join(', ')} (or virtual-node, virtual-service, …).`);
}

/** `2020-06-17T14:51:37.920000+00:00`, as the AWS CLI prints App Mesh timestamps. */
export function awsTimestamp(iso: string): string {
  const date = new Date(iso);
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** The describe-* output object, members in the order the AWS CLI prints them (alphabetical). */
export function describeOutput(resource: AppliedResource): Record<string, unknown> {
  const data = resourceData(resource);
  const m = resource.metadata;
  data.metadata = {
    arn: m.arn,
    createdAt: awsTimestamp(m.createdAt),
    lastUpdatedAt: awsTimestamp(m.lastUpdatedAt),
    meshOwner: m.meshOwner,
    resourceOwner: m.resourceOwner,
    uid: m.uid,
    version: m.version,
  };
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(data).sort()) sorted[key] = data[key];
  return { [KIND_INFO[resource.identity.kind].apiName]: sorted };
}

export async function runDescribe(kindInput: string, nameInput: string, options: DescribeOptions, terminal: Terminal): Promise<number> {
  return withCommandErrors(terminal, false, async () => {
    const kind = parseKind(kindInput);
    const info = KIND_INFO[kind];
    let name = nameInput;
    let parentName = kind === 'Route' ? options.virtualRouterName : kind === 'GatewayRoute' ? options.virtualGatewayName : undefined;
    if (info.parentKind && parentName === undefined) {
      const slash = nameInput.indexOf('/');
      if (slash <= 0) {
        throw new UsageError(`a ${kind} is named within its ${info.parentKind}: pass <${info.parentKind === 'VirtualRouter' ? 'router' : 'gateway'}>/${nameInput} or --${info.parentKind === 'VirtualRouter' ? 'virtual-router-name' : 'virtual-gateway-name'} <name>.`);
      }
      parentName = nameInput.slice(0, slash);
      name = nameInput.slice(slash + 1);
    }
    const repo = openRepository(options.repo);
    const store = new FileStateStore(resolveStateDir(options, repo.label));
    const applied = await store.read(options.env);
    if (!applied) {
      terminal.err(`meshplane: nothing has been applied to environment ${options.env} (state store ${store.location}); run meshplane apply --env ${options.env} first.\n`);
      return EXIT_FAILURE;
    }
    const matches = applied.resources.filter(
      (r) =>
        r.identity.kind === kind &&
        r.identity.name === name &&
        (parentName === undefined || r.identity.parentName === parentName) &&
        (options.meshName === undefined || r.identity.meshName === options.meshName),
    );
    if (matches.length > 1) {
      throw new UsageError(`${kind} ${name} exists in several meshes (${matches.map((r) => r.identity.meshName).join(', ')}); pass --mesh-name <mesh>.`);
    }
    if (matches.length === 0) {
      const sameKind = applied.resources.filter((r) => r.identity.kind === kind).map((r) => identityKey(r.identity));
      terminal.err(
        `meshplane: NotFoundException: no ${kind} named ${parentName !== undefined ? `${parentName}/` : ''}${name} in the applied revision ${applied.revision} of environment ${options.env}. ` +
          (sameKind.length > 0 ? `Applied ${kind} resources: ${sameKind.slice(0, 10).join(', ')}${sameKind.length > 10 ? ', …' : ''}.\n` : `No ${kind} is applied.\n`),
      );
      return EXIT_FAILURE;
    }
    terminal.out(JSON.stringify(describeOutput(matches[0]), null, 4) + '\n');
    return EXIT_OK;
  });
}
