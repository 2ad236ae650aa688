// The graph layer, incrementally: findings kept per owner (graph/owners.ts) across revisions.
// A load that reuses unchanged files' Resource objects (reconciler ParseCache) changes only the
// resources of changed files; a resource is checked again when it is new or when a lookup it
// made (recorded by GraphIndex: references out, and through them what they reach) sees an added
// or removed resource; a group when one of its members is added or removed. Gives what
// validateGraph gives (test/daemon/incremental-equals-full.test.ts).
import { Diagnostic } from '../model/diagnostic';
import { MeshModel } from '../model/mesh-model';
import { Resource } from '../model/resource';
import { GraphIndex } from './graph/graph-index';
import { NameGroups } from './graph/name-groups';
import { checkGroup, checkResource, groupsOf, sortGroupFindings, tokensOf } from './graph/owners';
import { RuleContext } from './rule-context';

const NONE: readonly Diagnostic[] = Object.freeze([]);

interface ResourceFindings {
  diagnostics: readonly Diagnostic[];
  /** Tokens of the lookups its rules made. */
  reads: readonly string[];
  /** The last revision it was part of. */
  seen: number;
}

export class GraphFindingsCache {
  /** The quotas the kept findings were made with: the only settings graph rules read. */
  private quotas: string | undefined;
  /** One entry per resource of the last model. */
  private readonly byResource = new Map<Resource, ResourceFindings>();
  /** Only groups with findings. */
  private readonly byGroup = new Map<string, Diagnostic[]>();
  private names: NameGroups | undefined;
  private revision = 0;
  /** Owners (resources and groups) checked since it was made. */
  checked = 0;

  findings(model: MeshModel, ctx: RuleContext): Diagnostic[] {
    const quotas = JSON.stringify(ctx.environment.quotas);
    if (quotas !== this.quotas) {
      // Other quotas: everything is checked again.
      this.byResource.clear();
      this.byGroup.clear();
      this.names = undefined;
      this.quotas = quotas;
    }
    this.revision++;
    const { resources, groups } = this.ownersToCheck(model);
    const index = new GraphIndex(model, this.names);
    for (const resource of resources) {
      const reads = new Set<string>();
      const diagnostics: Diagnostic[] = [];
      index.record(reads);
      checkResource(resource, index, ctx, diagnostics);
      this.byResource.set(resource, { diagnostics: diagnostics.length > 0 ? diagnostics : NONE, reads: [...reads], seen: this.revision });
    }
    index.record(undefined);
    for (const group of groups) {
      const diagnostics: Diagnostic[] = [];
      checkGroup(group, index, ctx, diagnostics);
      if (diagnostics.length > 0) this.byGroup.set(group, diagnostics);
      else this.byGroup.delete(group);
    }
    this.checked += resources.size + groups.size;

    const out: Diagnostic[] = [];
    for (const resource of model.resources) {
      const { diagnostics } = this.byResource.get(resource)!;
      for (const diagnostic of diagnostics) out.push(diagnostic);
    }
    out.push(...sortGroupFindings([...this.byGroup.values()].flat()));
    return out;
  }

  /** New resources, those whose lookups see an added or removed one, and the groups of both. */
  private ownersToCheck(model: MeshModel): { resources: Set<Resource>; groups: Set<string> } {
    const added: Resource[] = [];
    for (const resource of model.resources) {
      const kept = this.byResource.get(resource);
      if (kept) kept.seen = this.revision;
      else added.push(resource);
    }
    const removed: Resource[] = [];
    if (this.byResource.size + added.length > model.resources.length) {
      for (const [resource, kept] of this.byResource) if (kept.seen !== this.revision) removed.push(resource);
    }
    if (this.names) this.names.update(model, added, removed);
    else this.names = NameGroups.of(model);
    const resources = new Set(added);
    const groups = new Set<string>();
    const dirty = new Set<string>();
    const kept = this.byResource.size > removed.length; // else everything is checked anyway
    for (const resource of [...added, ...removed]) {
      if (kept) for (const token of tokensOf(resource)) dirty.add(token);
      for (const group of groupsOf(resource)) groups.add(group);
    }
    for (const resource of removed) this.byResource.delete(resource);
    if (dirty.size > 0) {
      for (const [resource, kept] of this.byResource) {
        for (const token of kept.reads) {
          if (dirty.has(token)) {
            resources.add(resource);
            break;
          }
        }
      }
    }
    return { resources, groups };
  }
}
