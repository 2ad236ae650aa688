// Real Terraform plans of meshplane stacks with the real hashicorp/aws provider and no network:
// the provider from the filesystem mirror, the operator's terraform.provider with every skip_*
// check and the AWS endpoints pointing at a closed port, fake keys. A plan of creates makes no API
// call then; a plan over an existing state runs with -refresh=false (TF_CLI_ARGS_plan) so the
// provider does not read the (unreachable) objects back.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import { syntheticEnvironmentYaml, syntheticMeshDocuments } from '../../bench/synthetic-mesh';
import { copyEnvironment, GitRepo, makeGitRepo } from '../helpers/temp-repo';
import { TERRAFORM, TerraformSandbox } from './real-terraform';

/** Nothing listens on the discard port: any AWS call fails at once instead of reaching AWS. */
export const UNREACHABLE = 'http://127.0.0.1:9';

/** The operator's terraform.provider section for offline plans with the mirror's provider version. */
export function offlineProviderYaml(version: string): string {
  return `  provider:
    version: "${version}"
    endpoints: { appmesh: "${UNREACHABLE}", servicediscovery: "${UNREACHABLE}", route53: "${UNREACHABLE}", sts: "${UNREACHABLE}" }
    skipCredentialsValidation: true
    skipRequestingAccountId: true
    skipMetadataApiCheck: true
    skipRegionValidation: true
    allowedAccountIds: false
`;
}

/** Fake keys: the provider needs some credentials to configure itself, and these open nothing. */
export const FAKE_AWS_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAOFFLINETEST00000', AWS_SECRET_ACCESS_KEY: 'offline-test-secret', AWS_EC2_METADATA_DISABLED: 'true' };

/** What a Terraform run by a command (which inherits the user's environment) needs to stay offline with the mirror. */
export function offlineCommandVariables(sandbox: TerraformSandbox): Record<string, string> {
  const { TF_DATA_DIR: _private, ...shared } = sandbox.env(sandbox.dir) as Record<string, string>;
  const keep = ['TF_CLI_CONFIG_FILE', 'TF_PLUGIN_CACHE_DIR', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'];
  return { ...Object.fromEntries(keep.map((k) => [k, shared[k]])), ...FAKE_AWS_KEYS };
}

/** Sets `variables` in process.env for the suite (commands run in process), and puts the old values back. */
export function processVariablesForSuite(variables: () => Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  before(function () {
    for (const [key, value] of Object.entries(variables())) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}

const TERRAFORM_ON = (zone: string) => `terraform:\n  enabled: true\n  privateZone: ${zone}\n  vpcId: vpc-0123456789abcdef0\n`;

export const GENERATED_SERVICES = 6;

/**
 * A Git repository with the bundled environments (apps, ingress) and a generated one (`generated`,
 * bench/synthetic-mesh.ts; every other node registers in Cloud Map), each with Terraform enabled
 * and a private zone for its virtual service names.
 */
export function realPlanRepo(): GitRepo {
  const repo = makeGitRepo({ withApps: false });
  copyEnvironment(repo);
  fs.appendFileSync(path.join(repo.dir, 'environments/apps/environment.yaml'), TERRAFORM_ON('apps.local'));
  fs.appendFileSync(path.join(repo.dir, 'environments/ingress/environment.yaml'), TERRAFORM_ON('bookstore.local'));
  const docs = syntheticMeshDocuments({ services: GENERATED_SERVICES, backendsPerNode: 2, meshName: 'gen' });
  docs.forEach((doc, index) => {
    const spec = doc.spec as Record<string, unknown>;
    if (doc.kind === 'VirtualNode' && index % 8 === 1) spec.serviceDiscovery = { awsCloudMap: { namespaceName: 'nodes.gen.local', serviceName: doc.virtualNodeName } };
  });
  const cloudMap = 'validation:\n  cloudMapAdapter: true\n';
  repo.write('environments/generated/environment.yaml', syntheticEnvironmentYaml(GENERATED_SERVICES) + cloudMap + TERRAFORM_ON('gen.local'));
  repo.write('environments/generated/mesh.yaml', docs.map((d) => stringify(d)).join('---\n'));
  repo.commit('environments with terraform enabled');
  return repo;
}

/**
 * Resources each environment's plan must create, by target, counted from its documents:
 * appmesh is one aws_appmesh_* per document; discovery is the private zone, a record per virtual
 * service name that no node already resolves, and Cloud Map per awsCloudMap registration.
 */
export const EXPECTED_CREATES: Record<string, { discovery: Record<string, number>; appmesh: Record<string, number> }> = {
  apps: {
    // servicea/serviceb.apps.local are also the nodes' DNS names: no placeholder records.
    discovery: { aws_route53_zone: 1 },
    appmesh: { aws_appmesh_mesh: 1, aws_appmesh_virtual_node: 3, aws_appmesh_virtual_router: 1, aws_appmesh_route: 1, aws_appmesh_virtual_service: 2 },
  },
  ingress: {
    // web.bookstore.local is the web node's DNS name; books.bookstore.local gets a record.
    discovery: { aws_route53_zone: 1, aws_route53_record: 1 },
    appmesh: {
      aws_appmesh_mesh: 1,
      aws_appmesh_virtual_node: 3,
      aws_appmesh_virtual_router: 1,
      aws_appmesh_route: 1,
      aws_appmesh_virtual_service: 2,
      aws_appmesh_virtual_gateway: 1,
      aws_appmesh_gateway_route: 2,
    },
  },
  generated: {
    // Nodes 0, 2, 4 register in Cloud Map (nodes.gen.local); svc-<i>.gen.local get records.
    discovery: { aws_service_discovery_private_dns_namespace: 1, aws_service_discovery_service: 3, aws_route53_zone: 1, aws_route53_record: GENERATED_SERVICES },
    appmesh: {
      aws_appmesh_mesh: 1,
      aws_appmesh_virtual_node: GENERATED_SERVICES,
      aws_appmesh_virtual_router: GENERATED_SERVICES,
      aws_appmesh_route: GENERATED_SERVICES,
      aws_appmesh_virtual_service: GENERATED_SERVICES,
    },
  },
};

export const REAL_PLAN_ENVIRONMENTS = Object.keys(EXPECTED_CREATES);

/** The expected creates as the plan reports them: resource type → count. */
export function expectedCreates(env: string): Record<string, number> {
  const { discovery, appmesh } = EXPECTED_CREATES[env];
  return sortedCounts({ ...discovery, ...appmesh });
}

export interface PlanJson {
  terraform_version: string;
  resource_changes: Array<{ address: string; type: string; name: string; provider_name: string; change: { actions: string[]; after: unknown; after_unknown: unknown } }>;
}

/** `terraform show -json <planfile>`, run from outside meshplane. */
export function showPlanJson(sandbox: TerraformSandbox, workdir: string, planFile: string, dataDir = path.join(workdir, '.terraform')): PlanJson {
  const env = { ...sandbox.env(workdir), TF_DATA_DIR: dataDir };
  return JSON.parse(execFileSync(TERRAFORM, ['show', '-json', planFile], { cwd: workdir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as PlanJson;
}

/** Resource type → count of the changes with exactly these actions. */
export function countsOf(plan: PlanJson, actions: string[] = ['create']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of plan.resource_changes) if (c.change.actions.join() === actions.join()) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return sortedCounts(counts);
}

function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

type Block = { attributes?: Record<string, { type: unknown }>; block_types?: Record<string, { nesting_mode: string; block: Block }> };
type ResourceSchemas = Record<string, { version: number; block: Block }>;

/** The resource schemas of the provider installed in `workdir` (`terraform providers schema -json`). */
export function resourceSchemas(sandbox: TerraformSandbox, workdir: string, dataDir = path.join(workdir, '.terraform')): ResourceSchemas {
  const env = { ...sandbox.env(workdir), TF_DATA_DIR: dataDir };
  const out = JSON.parse(execFileSync(TERRAFORM, ['providers', 'schema', '-json'], { cwd: workdir, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  return out.provider_schemas['registry.terraform.io/hashicorp/aws'].resource_schemas as ResourceSchemas;
}

/**
 * Writes the state Terraform would have after applying `plan` (as if AWS had created everything):
 * the planned values, and a placeholder of the schema's type for each value known only after apply.
 */
export function writeAppliedState(plan: PlanJson, schemas: ResourceSchemas, stateFile: string): void {
  const resources = plan.resource_changes.map((c) => {
    const schema = schemas[c.type];
    return {
      mode: 'managed',
      type: c.type,
      name: c.name,
      provider: `provider["${c.provider_name}"]`,
      instances: [{ schema_version: schema.version, attributes: applied(schema.block, c.change.after, c.change.after_unknown), sensitive_attributes: [] }],
    };
  });
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify({ version: 4, terraform_version: plan.terraform_version, serial: 1, lineage: randomUUID(), outputs: {}, resources }, null, 2));
}

function applied(block: Block, after: unknown, unknown: unknown): Record<string, unknown> {
  const values = (after ?? {}) as Record<string, unknown>;
  const unknowns = (unknown && typeof unknown === 'object' ? unknown : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    out[name] = unknowns[name] === true || (values[name] == null && name in unknowns) ? placeholder(attribute.type) : (values[name] ?? null);
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const items = values[name];
    const itemUnknowns = unknowns[name];
    if (nested.nesting_mode === 'single') out[name] = items == null ? null : applied(nested.block, items, itemUnknowns);
    else out[name] = ((items as unknown[] | undefined) ?? []).map((item, i) => applied(nested.block, item, (itemUnknowns as unknown[] | undefined)?.[i]));
  }
  return out;
}

function placeholder(type: unknown): unknown {
  if (type === 'string') return 'applied-by-test';
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (Array.isArray(type) && type[0] === 'map') return {};
  if (Array.isArray(type)) return [];
  return null;
}
