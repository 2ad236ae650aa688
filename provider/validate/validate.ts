// The three validation layers in order: schema (per document), kind rules (per document that
// passed its schema), mesh graph (across documents), then the environment's severity policy.
// Pure; returns sorted diagnostics.
import { compareDiagnostics, Diagnostic, hasErrors } from '../model/diagnostic';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import { EnvironmentConfig } from '../environment/environment-config';
import { validateSchema } from './schema-layer';
import { validateKindRules } from './kind-layer';
import { validateGraph } from './graph-layer';
import { applySeverityPolicy } from './severity-policy';

export interface ValidationInput {
  config: EnvironmentConfig;
  resources: readonly Resource[];
  /** Diagnostics found while loading (syntax, duplicates, …); carried into the result. */
  diagnostics?: readonly Diagnostic[];
}

export interface ValidationResult {
  valid: boolean;
  diagnostics: Diagnostic[];
}

export function validateEnvironment(input: ValidationInput): ValidationResult {
  const ctx = { environment: input.config };
  const diagnostics: Diagnostic[] = [...(input.diagnostics ?? [])];
  for (const resource of input.resources) {
    const schemaDiagnostics = validateSchema(resource);
    diagnostics.push(...schemaDiagnostics);
    if (!hasErrors(schemaDiagnostics)) diagnostics.push(...validateKindRules(resource, ctx));
  }
  diagnostics.push(...validateGraph(new MeshModel(input.resources), ctx));
  const tuned = applySeverityPolicy(diagnostics, input.config.validation);
  tuned.sort(compareDiagnostics);
  return { valid: !hasErrors(tuned), diagnostics: tuned };
}
