// Indexed view of a set of resources, for rules and translations that follow references.
import { Kind, KIND_INFO } from './kinds';
import { identityKey } from './identity';
import { Resource } from './resource';

export class MeshModel {
  private readonly byKey = new Map<string, Resource>();
  private readonly byKind = new Map<Kind, Resource[]>();
  private readonly children = new Map<string, Resource[]>();

  constructor(readonly resources: readonly Resource[]) {
    for (const resource of resources) {
      if (!this.byKey.has(resource.key)) this.byKey.set(resource.key, resource);
      const list = this.byKind.get(resource.kind) ?? [];
      list.push(resource);
      this.byKind.set(resource.kind, list);
      const parentKind = KIND_INFO[resource.kind].parentKind;
      if (parentKind) {
        const parent = identityKey({ kind: parentKind, meshName: resource.identity.meshName, name: resource.identity.parentName! });
        const siblings = this.children.get(parent) ?? [];
        siblings.push(resource);
        this.children.set(parent, siblings);
      }
    }
  }

  get(kind: Kind, meshName: string, name: string, parentName?: string): Resource | undefined {
    return this.byKey.get(identityKey({ kind, meshName, name, parentName }));
  }

  getByKey(key: string): Resource | undefined {
    return this.byKey.get(key);
  }

  list(kind: Kind): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Resources of a kind inside one mesh. */
  inMesh(kind: Kind, meshName: string): Resource[] {
    return this.list(kind).filter((r) => r.identity.meshName === meshName);
  }

  /** Routes of a virtual router, or gateway routes of a virtual gateway. */
  childrenOf(parent: Resource): readonly Resource[] {
    return this.children.get(parent.key) ?? [];
  }
}
