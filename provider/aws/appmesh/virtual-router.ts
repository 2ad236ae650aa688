// VirtualRouter → aws_appmesh_virtual_router (API `listeners` → Terraform `listener` blocks).
import type { AppmeshVirtualRouterConfig } from '@cdktf/provider-aws/lib/appmesh-virtual-router';
import { SpecReader } from '../spec-reader';
import { portMapping, tags } from './common';

export function virtualRouterConfig(doc: SpecReader): AppmeshVirtualRouterConfig {
  return {
    meshName: doc.str('meshName')!,
    meshOwner: doc.str('meshOwner'),
    name: doc.str('virtualRouterName')!,
    spec: doc.object('spec', (spec) => ({
      listener: spec.list('listeners', (l) => ({ portMapping: l.object('portMapping', portMapping)! })),
    })) ?? {},
    tags: tags(doc),
  };
}
