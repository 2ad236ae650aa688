// The three validation layers in order: schema (per document), kind rules (per document that
// passed its schema), mesh graph (across documents), then the environment's severity policy.
// Pure; returns sorted diagnostics.
import { compareDiagnostics, Diagnostic, hasErrors } from '../model/diagnostic';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import { EnvironmentConfig } from '../environment/environment-config';
import { validateGraph } from './graph-layer';
import { DocumentFindingsCache, documentFindings } from './document-findings';
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

/**
 * With a DocumentFindingsCache, the per-document layers run only for resources it has not seen
 * (with these settings); without one, for every resource (the full recompute).
 */
export function validateEnvironment(input: ValidationInput, cache?: DocumentFindingsCache): ValidationResult {
  const ctx = { environment: input.config };
  const diagnostics: Diagnostic[] = [...(input.diagnostics ?? [])];
  for (const resource of input.resources) diagnostics.push(...(cache ? cache.findings(resource, ctx) : documentFindings(resource, ctx)));
  diagnostics.push(...validateGraph(new MeshModel(input.resources), ctx));
  const tuned = applySeverityPolicy(diagnostics, input.config.validation);
  tuned.sort(compareDiagnostics);
  return { valid: !hasErrors(tuned), diagnostics: tuned };
}
