// Terraform resource names (the `name` in `aws_appmesh_route.<name>`) derived from identities:
// readable, stable across runs, and unique per resource type.

export class LogicalNames {
  private readonly taken = new Map<string, Set<string>>();

  /** `apps`, `serviceB`, `serviceb.apps.local` → `apps_serviceB_serviceb-apps-local`. */
  allocate(resourceType: string, parts: readonly string[]): string {
    let base = parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '-')).join('_');
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    const taken = this.taken.get(resourceType) ?? new Set<string>();
    this.taken.set(resourceType, taken);
    let name = base;
    // Names that differ only in characters Terraform does not allow get a counter, in input order.
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  }
}
