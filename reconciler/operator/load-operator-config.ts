// Reads the operator configuration file: YAML (or JSON) parsed with positions, checked against
// schemas/operator-config.schema.json (unknown keys refused with a did-you-mean), then the rules a
// schema cannot say; every problem is a diagnostic at file:line:column, and any problem refuses
// the start (OperatorConfigError).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { Diagnostic, joinPointer, splitPointer } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { schemasDir } from '../../provider/schema/schema-location';
import { SchemaError, schemaDiagnostics } from '../../provider/validate/schema-findings';
import { parseFile } from '../../provider/load/parsed-document';
import { parseNodeId } from '../xds/proxy-identity';
import { apiKeyFindings } from './api-key-rules';
import { OperatorConfigError, operatorUsage } from './errors';
import { terraformProviderProblems } from './terraform-provider';
import { GIT_NOTES_REPORTER, operatorConfig, OperatorConfig, OperatorConfigInput } from './operator-config';

export const OPERATOR_SCHEMA_FILE = 'operator-config.schema.json';
/** A configuration larger than this is not a configuration. */
const MAX_CONFIG_BYTES = 1024 * 1024;

let compiled: ValidateFunction | undefined;

/** The compiled schemas/operator-config.schema.json. */
function operatorSchemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(
    JSON.parse(fs.readFileSync(path.join(schemasDir(), OPERATOR_SCHEMA_FILE), 'utf8')) as object,
  );
  return compiled;
}

/** Reads and checks `file`; throws OperatorConfigError (positioned findings) or Error (unreadable). */
export async function loadOperatorConfig(file: string): Promise<OperatorConfig> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    const stat = await fs.promises.stat(resolved);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_CONFIG_BYTES) throw new Error(`${stat.size} bytes, more than ${MAX_CONFIG_BYTES}`);
    text = await fs.promises.readFile(resolved, 'utf8');
  } catch (error) {
    throw new Error(operatorUsage.unreadableConfig(resolved, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  return parseOperatorConfig(text, resolved, /\.json$/i.test(resolved) ? 'json' : 'yaml');
}

/** The configuration in `text` (named `file` in diagnostics); throws OperatorConfigError. */
export function parseOperatorConfig(text: string, file: string, format: 'yaml' | 'json' = 'yaml'): OperatorConfig {
  const parsed = parseFile(text, format);
  const diagnostics: Diagnostic[] = parsed.problems.map((p) => ({ code: p.code, severity: 'error', message: p.message, file, ...p.position, pointer: '' }));
  const document = parsed.documents[0];
  if (diagnostics.length > 0) throw new OperatorConfigError(file, diagnostics);
  if (parsed.documents.length > 1) throw new OperatorConfigError(file, [at(file, parsed.documents[1].position, '', 'the configuration is one YAML document; remove the extra `---` documents.')]);
  const value = document?.value ?? {};
  const locate = document?.locate ?? (() => ({ line: 1, column: 1 }));
  diagnostics.push(...checkOperatorSchema(value, file, locate));
  if (diagnostics.length === 0) diagnostics.push(...ruleDiagnostics(value as OperatorConfigInput, file, locate));
  if (diagnostics.length > 0) throw new OperatorConfigError(file, diagnostics);
  return operatorConfig({ ...(value as OperatorConfigInput), file });
}

/**
 * Schema findings of a configuration (or of the flag/variable overrides of one), each with the
 * section of docs/configuration.md that documents it.
 */
export function checkOperatorSchema(value: unknown, file: string, locate: (pointer: string) => Position): Diagnostic[] {
  const validate = operatorSchemaValidator();
  if (validate(value)) return [];
  // `if`/`then` (a reporter's keys depend on its kind): the branch's own errors say what is wrong.
  const errors = (validate.errors as SchemaError[]).filter((e) => e.keyword !== 'if');
  return schemaDiagnostics(errors, {
    file,
    locate,
    code: () => 'CONFIG-SCHEMA',
    label: (finding) => `see docs/configuration.md#${splitPointer(finding.fieldPointer)[0]?.toLowerCase() ?? 'complete-example'}`,
  });
}

/** What the schema cannot say: references between sections, node ids, pairs that go together. */
function ruleDiagnostics(config: OperatorConfigInput, file: string, locate: (pointer: string) => Position): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (pointer: string, message: string) => out.push(at(file, locate(pointer), pointer, message));
  const reporters = config.reporters ?? {};
  if (GIT_NOTES_REPORTER in reporters) report(joinPointer('/reporters', GIT_NOTES_REPORTER), `${GIT_NOTES_REPORTER} is always declared; remove it from reporters.`);
  for (const [name, reporter] of Object.entries(reporters)) {
    if (reporter?.kind === 'gitea' && reporter.baseUrl === undefined) report(joinPointer('/reporters', name), `reporter ${name} (gitea) needs baseUrl: the API of your Gitea server, e.g. https://gitea.example.com/api/v1.`);
  }
  ((config.defaultReporters ?? []) as string[]).forEach((name, index) => {
    if (name !== GIT_NOTES_REPORTER && !(name in reporters)) {
      report(joinPointer('/defaultReporters', index), `defaultReporters names "${name}", which reporters does not declare; declared: ${[GIT_NOTES_REPORTER, ...Object.keys(reporters)].join(', ')}.`);
    }
  });
  const auth = config.xds?.auth;
  for (const nodeId of Object.keys(auth?.tokens ?? {})) {
    try {
      parseNodeId(nodeId);
    } catch (error) {
      report(joinPointer('/xds/auth/tokens', nodeId), `${(error as Error).message}.`);
    }
  }
  if (auth?.mode === 'token' && Object.keys(auth.tokens ?? {}).length === 0) {
    report('/xds/auth', 'xds.auth.mode token needs xds.auth.tokens: one secret per proxy identity, or no proxy can connect.');
  }
  if (auth?.mode === 'mtls' && !config.xds?.tls?.clientCa) {
    report('/xds/auth', 'xds.auth.mode mtls needs xds.tls with certificate, privateKey and clientCa (the CA that signs proxy certificates).');
  }
  const binary = config.terraform?.binary;
  if (binary !== undefined && binary.includes('/') && !path.isAbsolute(binary)) {
    report('/terraform/binary', `terraform.binary "${binary}" is a relative path; give a name on PATH (terraform, tofu) or an absolute path.`);
  }
  const s3 = config.terraform?.backend && 's3' in config.terraform.backend ? config.terraform.backend.s3 : undefined;
  if (s3?.dynamodbTable !== undefined && s3.useLockfile === true) {
    report('/terraform/backend/s3', 'terraform.backend.s3 sets both dynamodbTable and useLockfile: choose one way of locking state (useLockfile needs Terraform 1.10 or later).');
  }
  for (const finding of apiKeyFindings(config.api)) report(finding.pointer, finding.message);
  terraformProviderProblems(config.terraform?.provider, report);
  const etcd = config.store?.etcd;
  if (config.store?.backend === 'etcd' && (etcd?.endpoints?.length ?? 0) === 0) report('/store', 'store.backend etcd needs store.etcd.endpoints, e.g. [http://10.0.0.5:2379].');
  if (etcd?.tls && (etcd.tls.cert === undefined) !== (etcd.tls.key === undefined)) report('/store/etcd/tls', 'store.etcd.tls needs cert and key together (client certificate authentication), or neither.');
  return out;
}

function at(file: string, position: Position, pointer: string, message: string): Diagnostic {
  return { code: 'CONFIG-VALUE', severity: 'error', message, file, line: position.line, column: position.column, pointer };
}
