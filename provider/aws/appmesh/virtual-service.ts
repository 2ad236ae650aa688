// VirtualService → aws_appmesh_virtual_service.
import type { AppmeshVirtualServiceConfig } from '@cdktf/provider-aws/lib/appmesh-virtual-service';
import { SpecReader } from '../spec-reader';
import { tags } from './common';

export function virtualServiceConfig(doc: SpecReader): AppmeshVirtualServiceConfig {
  return {
    meshName: doc.str('meshName')!,
    meshOwner: doc.str('meshOwner'),
    name: doc.str('virtualServiceName')!,
    spec: doc.object('spec', (spec) => ({
      provider: spec.object('provider', (p) => ({
        virtualNode: p.object('virtualNode', (n) => ({ virtualNodeName: n.str('virtualNodeName')! })),
        virtualRouter: p.object('virtualRouter', (r) => ({ virtualRouterName: r.str('virtualRouterName')! })),
      })),
    })) ?? {},
    tags: tags(doc),
  };
}
