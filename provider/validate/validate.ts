// The three validation layers in order: schema (per document), kind rules (per document that
// passed its schema), mesh graph (across documents), then the environment's severity policy.
// Pure; returns sorted diagnostics.
import { compareDiagnostics, Diagnostic, hasErrors } from '../model/diagnostic';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import { EnvironmentConfig } from '../environment/environment-config';
import { validateGraph } from './graph-layer';
import { DocumentFindingsCache, documentFindings } from './document-findings';
import { GraphFindingsCache } from './graph-findings-cache';
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
  /** The model validated: translation takes the same one (built once per revision). */
  model: MeshModel;
}

/** What a caller keeps between validations of one environment so the next costs what changed. */
export interface ValidationCaches {
  findings: DocumentFindingsCache;
  graph: GraphFindingsCache;
}

/**
 * With caches, the per-document layers run only for resources they have not seen (with these
 * settings) and the graph rules only where a change can affect them; without, everything runs
 * (the full recompute).
 */
export function validateEnvironment(input: ValidationInput, caches?: ValidationCaches): ValidationResult {
  const ctx = { environment: input.config };
  const model = new MeshModel(input.resources);
  const diagnostics: Diagnostic[] = [...(input.diagnostics ?? [])];
  for (const resource of input.resources) diagnostics.push(...(caches ? caches.findings.findings(resource, ctx) : documentFindings(resource, ctx)));
  diagnostics.push(...(caches ? caches.graph.findings(model, ctx) : validateGraph(model, ctx)));
  const tuned = applySeverityPolicy(diagnostics, input.config.validation);
  tuned.sort(compareDiagnostics);
  return { valid: !hasErrors(tuned), diagnostics: tuned, model };
}
