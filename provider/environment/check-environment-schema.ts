// Checks a parsed environment.yaml against its JSON Schema and turns ajv's errors into positioned
// diagnostics: the section's rule code, a message saying how to fix it, and ENV-OPERATOR for keys
// that belong to the operator configuration.
import Ajv, { ValidateFunction } from 'ajv';
import { compareDiagnostics, Diagnostic, splitPointer } from '../model/diagnostic';
import { Position } from '../model/resource';
import { schemaDiagnostics, SchemaError } from '../validate/schema-findings';
import { environmentSchema, EnvironmentSchemaNode } from './environment-schema';
import { operatorKeyMessage } from './operator-keys';

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
  const operatorKeys = new Map<string, string>();
  for (const error of errors) {
    const key = operatorKeyOf(error);
    // A key can be both a named operator key and secret-looking (`secrets`): the named one says more.
    if (key !== undefined && !operatorKeys.get(error.instancePath)) operatorKeys.set(error.instancePath, key);
  }
  const operator = [...operatorKeys].map(([pointer, key]): Diagnostic => ({
    code: OPERATOR_RULE,
    severity: 'error',
    message: operatorKeyMessage(key, dotted(pointer)),
    file: at.file,
    ...at.locate(pointer),
    pointer,
  }));
  const shape = schemaDiagnostics(
    errors.filter((e) => e.keyword !== 'not'),
    {
      ...at,
      code: (fieldPointer) => SECTION_CODES[sectionOf(fieldPointer)] ?? GENERAL_CODE,
      label: (finding) =>
        (finding.error.parentSchema as EnvironmentSchemaNode | undefined)?.['x-hint'] ??
        `see docs/repository-format.md#${sectionOf(finding.fieldPointer) || 'environmentyaml'}`,
    },
  );
  return [...operator, ...shape].sort(compareDiagnostics);
}

/** The operator key an ajv error is about ('' for a secret-looking key), or undefined. */
function operatorKeyOf(error: SchemaError): string | undefined {
  if (error.keyword !== 'not') return undefined;
  return (error.parentSchema as EnvironmentSchemaNode | undefined)?.['x-operator'];
}

/** `/terraform/vpcId` → `terraform`. */
function sectionOf(pointer: string): string {
  return splitPointer(pointer)[0] ?? '';
}

/** `/status/github` → `status.github`. */
function dotted(pointer: string): string {
  return splitPointer(pointer).join('.');
}
