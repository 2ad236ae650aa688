// The findings of the per-document layers (schema, then kind rules) for one resource, kept per
// Resource object: a load that reuses unchanged files' Resource objects (reconciler ParseCache)
// has them checked again only when the environment settings (compared by value) changed.
import { EnvironmentConfig } from '../environment/environment-config';
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
  private readonly byResource = new WeakMap<Resource, { settings: string; diagnostics: Diagnostic[] }>();
  /** The environment settings last seen, and their value as JSON. */
  private environment: EnvironmentConfig | undefined;
  private settings = '';
  /** Resources checked (not found in the cache) since it was made. */
  checked = 0;

  findings(resource: Resource, ctx: RuleContext): Diagnostic[] {
    const settings = this.settingsOf(ctx.environment);
    const kept = this.byResource.get(resource);
    if (kept && kept.settings === settings) return kept.diagnostics;
    const diagnostics = documentFindings(resource, ctx);
    this.checked++;
    this.byResource.set(resource, { settings, diagnostics });
    return diagnostics;
  }

  /**
   * The settings compared by value: a load without environment.yaml makes new default settings
   * each time, equal to the last ones. Equal values keep the same string, so most comparisons
   * are of one reference.
   */
  private settingsOf(environment: EnvironmentConfig): string {
    if (environment === this.environment) return this.settings;
    this.environment = environment;
    const settings = JSON.stringify(environment);
    if (settings !== this.settings) this.settings = settings;
    return this.settings;
  }
}
