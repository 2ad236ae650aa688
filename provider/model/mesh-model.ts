// Indexed view of a set of resources, for rules and translations that follow references.
import { Kind, KIND_INFO } from './kinds';
import { identityKey } from './identity';
import { Resource } from './resource';

/** Key of the router or gateway a Route or GatewayRoute belongs to; undefined for other kinds. */
export function parentKeyOf(resource: Resource): string | undefined {
  const parentKind = KIND_INFO[resource.kind].parentKind;
  return parentKind ? identityKey({ kind: parentKind, meshName: resource.identity.meshName, name: resource.identity.parentName! }) : undefined;
}

export class MeshModel {
  private readonly byKey = new Map<string, Resource>();
  /** Keys defined more than once (ID-5), with every definition in repository order. */
  private readonly duplicates = new Map<string, Resource[]>();
  private readonly byKind = new Map<Kind, Resource[]>();
  private readonly children = new Map<string, Resource[]>();

  constructor(readonly resources: readonly Resource[]) {
    for (const resource of resources) {
      const first = this.byKey.get(resource.key);
      if (!first) this.byKey.set(resource.key, resource);
      else this.duplicates.set(resource.key, [...(this.duplicates.get(resource.key) ?? [first]), resource]);
      const list = this.byKind.get(resource.kind) ?? [];
      list.push(resource);
      this.byKind.set(resource.kind, list);
      const parent = parentKeyOf(resource);
      if (parent !== undefined) {
        const siblings = this.children.get(parent) ?? [];
        siblings.push(resource);
        this.children.set(parent, siblings);
      }
    }
  }

  get(kind: Kind, meshName: string, name: string, parentName?: string): Resource | undefined {
    return this.byKey.get(identityKey({ kind, meshName, name, parentName }));
  }

  /** The first resource of this key (the one `get` gives). */
  getByKey(key: string): Resource | undefined {
    return this.byKey.get(key);
  }

  /** Every resource of this key in repository order: one, or several when it is defined twice. */
  allByKey(key: string): readonly Resource[] {
    const first = this.byKey.get(key);
    return first ? (this.duplicates.get(key) ?? [first]) : [];
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
    return this.childrenOfKey(parent.key);
  }

  /** Children of the router or gateway of this key, whether or not it exists. */
  childrenOfKey(parentKey: string): readonly Resource[] {
    return this.children.get(parentKey) ?? [];
  }
}
