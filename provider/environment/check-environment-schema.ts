// Checks a parsed environment.yaml against its JSON Schema and turns ajv's errors into positioned
// diagnostics: the section's rule code, a message saying how to fix it, and ENV-OPERATOR for keys
// that belong to the operator configuration.
import Ajv, { ValidateFunction } from 'ajv';
import { compareDiagnostics, Diagnostic, Severity, splitPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { collapse, messageFor, SchemaError } from '../validate/schema-findings';
import { environmentSchema, EnvironmentSchemaNode } from './environment-schema';
import { operatorKeyMessage, STILL_READ_FROM_REPOSITORY } from './operator-keys';

export const OPERATOR_RULE = 'ENV-OPERATOR';

/** Rule code of a schema finding, by the section it is in (the codes the per-section readers used). */
const SECTION_CODES: Record<string, string> = {
  discovery: 'ENV-DISCOVERY',
  xds: 'ENV-XDS',
  terraform: 'ENV-TF',
  status: 'STATUS-1',
};
const GENERAL_CODE = 'ENV-1';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(environmentSchema());
  return compiled;
}

export interface EnvironmentFile {
  file: string;
  locate(pointer: string): Position;
}

/** Diagnostics of one environment.yaml value; empty when it is valid. */
export function checkEnvironmentSchema(value: unknown, at: EnvironmentFile): Diagnostic[] {
  const validate = validator();
  if (validate(value)) return [];
  const errors = validate.errors as SchemaError[];
  const diagnostic = (code: string, severity: Severity, message: string, pointer: string): Diagnostic => ({
    code,
    severity,
    message,
    file: at.file,
    ...at.locate(pointer),
    pointer,
  });

  const operatorKeys = new Map<string, string>();
  for (const error of errors) {
    const key = operatorKeyOf(error);
    // A key can be both a named operator key and secret-looking (`secrets`): the named one says more.
    if (key !== undefined && !operatorKeys.get(error.instancePath)) operatorKeys.set(error.instancePath, key);
  }
  const operator = [...operatorKeys].map(([pointer, key]) =>
    diagnostic(OPERATOR_RULE, STILL_READ_FROM_REPOSITORY.includes(key) ? 'warning' : 'error', operatorKeyMessage(key, dotted(pointer)), pointer),
  );
  const shape = collapse(errors.filter((e) => operatorKeyOf(e) === undefined && e.keyword !== 'not')).map((finding) => {
    const hint = (finding.error.parentSchema as EnvironmentSchemaNode | undefined)?.['x-hint'];
    const section = splitPointer(finding.fieldPointer)[0] ?? '';
    return diagnostic(SECTION_CODES[section] ?? GENERAL_CODE, 'error', messageFor(finding, hint ?? `see docs/repository-format.md#${section || 'environmentyaml'}`), finding.pointer);
  });
  return [...operator, ...shape].sort(compareDiagnostics);
}

/** The operator key an ajv error is about ('' for a secret-looking key), or undefined. */
function operatorKeyOf(error: SchemaError): string | undefined {
  if (error.keyword !== 'not') return undefined;
  return (error.parentSchema as EnvironmentSchemaNode | undefined)?.['x-operator'];
}

/** `/status/github` → `status.github`. */
function dotted(pointer: string): string {
  return splitPointer(pointer).join('.');
}
