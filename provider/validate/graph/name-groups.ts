// Resources whose names compare equal for the name-clash rules: keys equal but for case
// (foldedKey), gateway routes of one name in a mesh (meshWideName), each group in repository
// order. Built from a whole model, or kept across revisions and updated with the resources added
// and removed (GraphFindingsCache), so a commit does not fold every name again.
import { MeshModel } from '../../model/mesh-model';
import { Resource } from '../../model/resource';
import { foldedKey, meshWideName } from './name-clashes';

export class NameGroups {
  private readonly byFoldedKey = new Map<string, Resource[]>();
  private readonly gatewayRoutesByName = new Map<string, Resource[]>();

  static of(model: MeshModel): NameGroups {
    const groups = new NameGroups();
    for (const resource of model.resources) groups.add(resource);
    return groups;
  }

  sameFoldedKey(folded: string): readonly Resource[] {
    return this.byFoldedKey.get(folded) ?? [];
  }

  gatewayRoutesNamed(name: string): readonly Resource[] {
    return this.gatewayRoutesByName.get(name) ?? [];
  }

  /** Takes a revision's changes in; `model` is the revision, whose order the groups keep. */
  update(model: MeshModel, added: readonly Resource[], removed: readonly Resource[]): void {
    const touched = new Set<Resource[]>();
    for (const resource of removed) {
      for (const [map, key] of this.entriesOf(resource)) {
        const members = map.get(key)?.filter((member) => member !== resource) ?? [];
        if (members.length > 0) map.set(key, members);
        else map.delete(key);
      }
    }
    for (const resource of added) for (const group of this.add(resource)) touched.add(group);
    let position: Map<Resource, number> | undefined;
    for (const group of touched) {
      if (group.length < 2) continue;
      position ??= new Map(model.resources.map((resource, i) => [resource, i]));
      group.sort((a, b) => position!.get(a)! - position!.get(b)!);
    }
  }

  private add(resource: Resource): Resource[][] {
    const groups: Resource[][] = [];
    for (const [map, key] of this.entriesOf(resource)) {
      const members = map.get(key);
      if (members) members.push(resource);
      else map.set(key, [resource]);
      groups.push(map.get(key)!);
    }
    return groups;
  }

  private entriesOf(resource: Resource): Array<[Map<string, Resource[]>, string]> {
    const entries: Array<[Map<string, Resource[]>, string]> = [[this.byFoldedKey, foldedKey(resource)]];
    if (resource.kind === 'GatewayRoute') entries.push([this.gatewayRoutesByName, meshWideName(resource)]);
    return entries;
  }
}
