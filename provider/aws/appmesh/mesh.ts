// Mesh → aws_appmesh_mesh.
import type { AppmeshMeshConfig } from '@cdktf/provider-aws/lib/appmesh-mesh';
import { SpecReader } from '../spec-reader';
import { tags } from './common';

export function meshConfig(doc: SpecReader): AppmeshMeshConfig {
  return {
    name: doc.str('meshName')!,
    spec: doc.object('spec', (spec) => ({
      egressFilter: spec.object('egressFilter', (f) => ({ type: f.str('type') })),
      serviceDiscovery: spec.object('serviceDiscovery', (sd) => ({ ipPreference: sd.str('ipPreference') })),
    })),
    tags: tags(doc),
  };
}
