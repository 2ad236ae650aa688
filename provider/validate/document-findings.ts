// The findings of the per-document layers (schema, then kind rules) for one resource, kept per
// Resource object: a load that reuses unchanged files' Resource objects (reconciler ParseCache)
// has them checked again only when the environment settings the kind rules read changed.
import { Diagnostic, hasErrors } from '../model/diagnostic';
import { Resource } from '../model/resource';
import { validateKindRules } from './kind-layer';
import { RuleContext } from './rule-context';
import { validateSchema } from './schema-layer';

/** Schema findings, and kind-rule findings when the schema passed. */
export function documentFindings(resource: Resource, ctx: RuleContext): Diagnostic[] {
  const schemaDiagnostics = validateSchema(resource);
  if (hasErrors(schemaDiagnostics)) return schemaDiagnostics;
  return [...schemaDiagnostics, ...validateKindRules(resource, ctx)];
}

export class DocumentFindingsCache {
  private readonly byResource = new WeakMap<Resource, { environment: RuleContext['environment']; diagnostics: Diagnostic[] }>();
  /** Resources checked (not found in the cache) since it was made. */
  checked = 0;

  findings(resource: Resource, ctx: RuleContext): Diagnostic[] {
    const kept = this.byResource.get(resource);
    if (kept && kept.environment === ctx.environment) return kept.diagnostics;
    const diagnostics = documentFindings(resource, ctx);
    this.checked++;
    this.byResource.set(resource, { environment: ctx.environment, diagnostics });
    return diagnostics;
  }
}
