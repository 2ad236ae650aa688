// Import from Kubernetes manifests of the App Mesh controller (appmesh.k8s.aws/v1beta2).
// Names are formed as the controller forms them (spec.awsName, else `<name>_<namespace>`,
// `<name>.<namespace>` for virtual services); references (`virtualNodeRef`, `…ARN`) become
// API names; mesh and gateway membership follow meshRef / virtualGatewayRef or the
// namespace selectors matched against the Namespace objects in the manifests.
// Kubernetes-only fields (podSelector, namespaceSelector, …) are reported as not imported.
import { joinPointer } from '../model/diagnostic';
import { Kind, KIND_INFO } from '../model/kinds';
import { ResourceDocument } from '../model/resource';
import { ImportedResource } from './canonical';
import { InputFile } from './input-files';
import { selectorMatches } from './k8s-selector';
import { parseInput } from './parse-input';
import { ImportReport, SourceLocation } from './report';
import { convertValue, Dialect, isRecord, kindShape, SpecialMember } from './shape';

export const APPMESH_GROUP = 'appmesh.k8s.aws';
export const APPMESH_VERSION = 'v1beta2';
const MESH_KINDS: readonly Kind[] = ['Mesh', 'VirtualNode', 'VirtualService', 'VirtualRouter', 'VirtualGateway', 'GatewayRoute'];
/** Fields that only steer the controller inside the cluster. */
const KUBERNETES_ONLY = new Set(['podSelector', 'namespaceSelector', 'gatewayRouteSelector', 'backendGroups']);
/** Spec members that are identity or membership, handled before the spec is converted. */
const ENVELOPE = new Set(['awsName', 'meshRef', 'meshOwner', 'virtualGatewayRef', 'routes']);
const REFERENCE = /^(virtualService|virtualNode|virtualRouter|virtualGateway)(Ref|ARN)$/;

export interface KubernetesOptions {
  /** Mesh for objects whose namespace is not among the manifests (so its labels are unknown). */
  mesh?: string;
}

interface KubernetesObject {
  kind: Kind;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  spec: Record<string, unknown>;
  at: SourceLocation;
  /** Pointer of the object in its document (non-empty inside a List). */
  pointer: string;
}

export function importKubernetes(files: readonly InputFile[], report: ImportReport, options: KubernetesOptions): ImportedResource[] {
  const objects: KubernetesObject[] = [];
  const namespaces = new Map<string, Record<string, string>>();
  for (const file of files) {
    const others = new Map<string, number>();
    for (const document of parseInput(file, report)) {
      const at: SourceLocation = { file: file.path, locate: document.locate };
      const visit = (value: unknown, pointer: string): void => {
        if (!isRecord(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
          report.error('IMPORT-TYPE', 'this document is not a Kubernetes object (apiVersion, kind, metadata, spec); import only Kubernetes manifests with --from k8s.', at, pointer);
          return;
        }
        const metadata = isRecord(value.metadata) ? value.metadata : {};
        const labels = isRecord(metadata.labels) ? (Object.fromEntries(Object.entries(metadata.labels).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
        const [group, version] = value.apiVersion.includes('/') ? value.apiVersion.split('/') : ['', value.apiVersion];
        if (value.kind === 'List' && Array.isArray(value.items)) return value.items.forEach((item, i) => visit(item, joinPointer(pointer, 'items', i)));
        if (group === '' && value.kind === 'Namespace' && typeof metadata.name === 'string') {
          namespaces.set(metadata.name, labels);
          return;
        }
        if (group !== APPMESH_GROUP) {
          others.set(value.kind, (others.get(value.kind) ?? 0) + 1);
          return;
        }
        if (version !== APPMESH_VERSION) {
          report.error('IMPORT-VERSION', `${value.apiVersion} is not served by the App Mesh controller any more (only ${APPMESH_GROUP}/${APPMESH_VERSION} is); its ${value.kind} has the pre-GA shape. Rewrite the manifest for ${APPMESH_VERSION} and import again.`, at, joinPointer(pointer, 'apiVersion'));
          return;
        }
        if (value.kind === 'BackendGroup') {
          report.add('IMPORT-NOT-IMPORTED', 'info', 'BackendGroup exists only in the Kubernetes controller; it was not imported (list the backends on the virtual nodes).', at, pointer);
          return;
        }
        if (!(MESH_KINDS as readonly string[]).includes(value.kind)) {
          report.error('IMPORT-TYPE', `unknown ${APPMESH_GROUP} kind ${value.kind}; the controller's kinds are ${MESH_KINDS.join(', ')}, BackendGroup.`, at, joinPointer(pointer, 'kind'));
          return;
        }
        if (typeof metadata.name !== 'string') {
          report.error('IMPORT-TYPE', `this ${value.kind} has no metadata.name.`, at, joinPointer(pointer, 'metadata'));
          return;
        }
        objects.push({
          kind: value.kind as Kind,
          name: metadata.name,
          namespace: typeof metadata.namespace === 'string' ? metadata.namespace : 'default',
          labels,
          spec: isRecord(value.spec) ? value.spec : {},
          at,
          pointer,
        });
      };
      visit(document.value, '');
    }
    if (others.size > 0) {
      const list = [...others].map(([kind, n]) => (n > 1 ? `${kind} ×${n}` : kind)).join(', ');
      report.add('IMPORT-NOT-IMPORTED', 'info', `Kubernetes objects that are not App Mesh resources were not imported: ${list}.`, { file: file.path, locate: () => ({ line: 0, column: 0 }) });
    }
  }
  if (report.malformed) return [];
  return new Conversion(latestObjects(objects, report), namespaces, report, options).run();
}

/**
 * An object applied again (a later stage, a later file) replaces the earlier one, as in the
 * cluster; its awsName may not change, as the controller's webhook refuses that.
 */
function latestObjects(objects: KubernetesObject[], report: ImportReport): KubernetesObject[] {
  const byKey = new Map<string, KubernetesObject>();
  for (const object of objects) {
    const key = `${object.kind}/${object.namespace}/${object.name}`;
    const earlier = byKey.get(key);
    if (earlier) {
      const [before, after] = [awsNameOf(earlier), awsNameOf(object)];
      if (before !== after) {
        report.error('IMPORT-AWSNAME', `${object.kind} ${object.namespace}/${object.name} was applied with awsName "${before}" (${earlier.at.file}:${earlier.at.locate(earlier.pointer).line}); the controller refuses to change it to "${after}", so the accepted definition is kept. Keep the awsName, or delete and recreate the object under a new name.`, object.at, joinPointer(object.pointer, 'spec', 'awsName'));
        continue; // the cluster keeps the object it accepted
      } else {
        report.add('IMPORT-DUPLICATE', 'warning', `${object.kind} ${object.namespace}/${object.name} was already defined at ${earlier.at.file}:${earlier.at.locate(earlier.pointer).line}; this later definition is the one imported.`, object.at, object.pointer);
      }
      byKey.delete(key);
    }
    byKey.set(key, object);
  }
  return [...byKey.values()];
}

function awsNameOf(object: KubernetesObject): string {
  return typeof object.spec.awsName === 'string' ? object.spec.awsName : defaultAwsName(object.kind, object.name, object.namespace);
}

class Conversion {
  constructor(
    private readonly objects: KubernetesObject[],
    private readonly namespaces: Map<string, Record<string, string>>,
    private readonly report: ImportReport,
    private readonly options: KubernetesOptions,
  ) {}

  run(): ImportedResource[] {
    const out: ImportedResource[] = [];
    for (const object of this.objects) {
      const mesh = object.kind === 'Mesh' ? this.meshObjectInfo(object) : this.meshOf(object);
      if (!mesh) continue;
      const doc: Record<string, unknown> = { kind: object.kind, meshName: mesh.name };
      if (object.kind !== 'Mesh' && mesh.owner) doc.meshOwner = mesh.owner;
      if (object.kind === 'GatewayRoute') {
        const gateway = this.gatewayOf(object, mesh.name);
        if (!gateway) continue;
        doc.virtualGatewayName = gateway;
      }
      if (object.kind !== 'Mesh') doc[KIND_INFO[object.kind].nameKey] = this.awsName(object);
      const spec: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(object.spec)) if (!ENVELOPE.has(key)) spec[key] = value;
      doc.spec = this.convert(object.kind, spec, object, mesh.name, joinPointer(object.pointer, 'spec'));
      const routes = object.kind === 'VirtualRouter' ? this.routes(object, doc) : [];
      if (routes) out.push(this.imported(doc, object, object.pointer), ...routes);
    }
    return out;
  }

  /**
   * Routes nested in a VirtualRouter become Route resources of that router; undefined when the
   * controller refuses the whole router (two routes of one name), so that nothing of it is imported.
   */
  private routes(router: KubernetesObject, routerDoc: Record<string, unknown>): ImportedResource[] | undefined {
    const routes = router.spec.routes;
    if (routes === undefined) return [];
    const base = joinPointer(router.pointer, 'spec', 'routes');
    if (!Array.isArray(routes)) {
      this.report.error('IMPORT-SHAPE', 'spec.routes must be a list of routes.', router.at, base);
      return [];
    }
    const out: ImportedResource[] = [];
    const firstByName = new Map<string, number>();
    let refused = false;
    routes.forEach((route, i) => {
      const pointer = joinPointer(base, i);
      if (!isRecord(route) || typeof route.name !== 'string') {
        this.report.error('IMPORT-SHAPE', 'every route of a VirtualRouter needs a name.', router.at, pointer);
        return;
      }
      const first = firstByName.get(route.name);
      if (first !== undefined) {
        const firstLine = router.at.locate(joinPointer(base, first)).line;
        this.report.error('IMPORT-ROUTE-NAME', `routes ${first} (line ${firstLine}) and ${i} of VirtualRouter ${router.namespace}/${router.name} are both named "${route.name}"; the App Mesh controller refuses the whole VirtualRouter, so neither it nor its routes were imported. Rename one of them.`, router.at, joinPointer(pointer, 'name'));
        refused = true;
        return;
      }
      firstByName.set(route.name, i);
      const { name, ...spec } = route;
      const doc: Record<string, unknown> = { kind: 'Route', meshName: routerDoc.meshName };
      if (routerDoc.meshOwner) doc.meshOwner = routerDoc.meshOwner;
      doc.virtualRouterName = routerDoc.virtualRouterName;
      doc.routeName = name;
      doc.spec = this.convert('Route', spec, router, String(routerDoc.meshName), pointer);
      out.push(this.imported(doc, router, pointer));
    });
    return refused ? undefined : out;
  }

  private imported(doc: Record<string, unknown>, object: KubernetesObject, pointer: string): ImportedResource {
    return { doc: doc as ResourceDocument, source: object.at.file, line: object.at.locate(pointer).line };
  }

  private convert(kind: Kind, spec: Record<string, unknown>, object: KubernetesObject, mesh: string, pointer: string): unknown {
    const shape = kindShape(kind);
    return convertValue(spec, shape.at('spec'), pointer, { dialect: this.dialect(object, mesh), report: this.report, at: object.at, shape });
  }

  /** The CRD spelling (certificateARN, …) plus references resolved to the names the controller gives. */
  private dialect(object: KubernetesObject, mesh: string): Dialect {
    return {
      memberName: (key, members) => members.find((m) => key === m || (/^[a-z]/.test(key) && key.toLowerCase() === m.toLowerCase())),
      special: (key, value, pointer, members): SpecialMember | undefined => {
        if (KUBERNETES_ONLY.has(key)) {
          this.report.add('IMPORT-NOT-IMPORTED', 'info', `${key} exists only in Kubernetes (it tells the controller which pods or namespaces belong); App Mesh has no such field, so it was not imported.`, object.at, pointer);
          return { drop: true };
        }
        const reference = REFERENCE.exec(key);
        if (!reference) return undefined;
        const api = reference[1];
        const target = members.find((m) => m === `${api}Name` || m === api);
        if (!target) return undefined;
        const kind = (api.charAt(0).toUpperCase() + api.slice(1)) as Kind;
        const name = reference[2] === 'Ref' ? this.resolveRef(kind, value, object, pointer) : this.resolveArn(kind, value, object, mesh, pointer);
        return name === undefined ? { drop: true } : { key: target, value: name };
      },
    };
  }

  private resolveRef(kind: Kind, ref: unknown, from: KubernetesObject, pointer: string): string | undefined {
    if (!isRecord(ref) || typeof ref.name !== 'string') {
      this.report.error('IMPORT-REF', `a ${kind} reference needs a name.`, from.at, pointer);
      return undefined;
    }
    const namespace = typeof ref.namespace === 'string' ? ref.namespace : from.namespace;
    const target = this.objects.find((o) => o.kind === kind && o.name === ref.name && o.namespace === namespace);
    if (target) return this.awsName(target);
    const assumed = defaultAwsName(kind, ref.name, namespace);
    this.report.add('IMPORT-REF', 'warning', `${kind} ${namespace}/${ref.name} is not among the imported manifests, so its awsName is assumed to be the controller's default "${assumed}"; import its manifest too to be sure.`, from.at, pointer);
    return assumed;
  }

  private resolveArn(kind: Kind, arn: unknown, from: KubernetesObject, mesh: string, pointer: string): string | undefined {
    const api = KIND_INFO[kind].apiName;
    const match = typeof arn === 'string' ? new RegExp(`^arn:[^:]+:appmesh:[^:]*:[^:]*:mesh/([^/]+)/${api}/([^/]+)$`).exec(arn) : null;
    if (!match) {
      this.report.error('IMPORT-REF', `${JSON.stringify(arn)} is not the ARN of a ${kind} (arn:aws:appmesh:<region>:<account>:mesh/<mesh>/${api}/<name>).`, from.at, pointer);
      return undefined;
    }
    if (match[1] !== mesh) {
      this.report.error('IMPORT-REF', `this ARN names a ${kind} of mesh ${match[1]}, but the resource is in mesh ${mesh}; App Mesh references resources of the same mesh by name only.`, from.at, pointer);
      return undefined;
    }
    return match[2];
  }

  private awsName(object: KubernetesObject): string {
    return awsNameOf(object);
  }

  private meshObjectInfo(mesh: KubernetesObject): { name: string; owner?: string } {
    return { name: this.awsName(mesh), owner: typeof mesh.spec.meshOwner === 'string' ? mesh.spec.meshOwner : undefined };
  }

  /** meshRef, else the Mesh whose namespaceSelector matches the object's namespace, else --mesh or the only Mesh. */
  private meshOf(object: KubernetesObject): { name: string; owner?: string } | undefined {
    const meshes = this.objects.filter((o) => o.kind === 'Mesh');
    const meshRef = object.spec.meshRef;
    if (isRecord(meshRef) && typeof meshRef.name === 'string') {
      const mesh = meshes.find((m) => m.name === meshRef.name);
      return mesh ? this.meshObjectInfo(mesh) : { name: meshRef.name };
    }
    const labels = this.namespaces.get(object.namespace);
    if (labels) {
      const matching = meshes.filter((m) => selectorMatches(m.spec.namespaceSelector, labels));
      if (matching.length === 1) return this.meshObjectInfo(matching[0]);
      if (matching.length > 1) {
        this.report.error('IMPORT-MESH', `namespace ${object.namespace} matches the namespaceSelector of several meshes (${matching.map((m) => m.name).join(', ')}); the controller refuses that. Narrow the selectors or set spec.meshRef.`, object.at, object.pointer);
        return undefined;
      }
    }
    if (this.options.mesh !== undefined) return { name: this.options.mesh };
    if (!labels && meshes.length === 1) {
      this.report.add('IMPORT-MESH', 'info', `namespace ${object.namespace} is not among the manifests, so its labels are unknown; ${object.kind} ${object.name} was put in the only mesh, ${this.awsName(meshes[0])}. Pass --mesh to choose another.`, object.at, object.pointer);
      return this.meshObjectInfo(meshes[0]);
    }
    const why = labels ? `no Mesh's namespaceSelector matches the labels of namespace ${object.namespace}` : `namespace ${object.namespace} is not among the manifests and ${meshes.length === 0 ? 'no Mesh is' : 'several meshes are'}`;
    this.report.error('IMPORT-MESH', `cannot tell which mesh ${object.kind} ${object.name} belongs to: ${why}. Pass --mesh <name>, or import the Namespace and Mesh manifests too.`, object.at, object.pointer);
    return undefined;
  }

  /** virtualGatewayRef, else the VirtualGateway whose selectors match the route's namespace and labels. */
  private gatewayOf(route: KubernetesObject, mesh: string): string | undefined {
    const gateways = this.objects.filter((o) => o.kind === 'VirtualGateway');
    const ref = route.spec.virtualGatewayRef;
    if (isRecord(ref) && typeof ref.name === 'string') {
      return this.resolveRef('VirtualGateway', ref, route, joinPointer(route.pointer, 'spec', 'virtualGatewayRef'));
    }
    const labels = this.namespaces.get(route.namespace);
    if (labels) {
      const matching = gateways.filter(
        (g) => selectorMatches(g.spec.namespaceSelector, labels) && (g.spec.gatewayRouteSelector === undefined || selectorMatches(g.spec.gatewayRouteSelector, route.labels)),
      );
      if (matching.length === 1) return this.awsName(matching[0]);
      if (matching.length > 1) {
        this.report.error('IMPORT-GATEWAY', `GatewayRoute ${route.name} matches several virtual gateways (${matching.map((g) => g.name).join(', ')}); the controller refuses that. Narrow their selectors or set spec.virtualGatewayRef.`, route.at, route.pointer);
        return undefined;
      }
    }
    const inMesh = gateways.filter((g) => this.meshOfQuietly(g) === mesh);
    if (!labels && inMesh.length === 1) {
      this.report.add('IMPORT-GATEWAY', 'info', `namespace ${route.namespace} is not among the manifests; GatewayRoute ${route.name} was attached to the only virtual gateway of mesh ${mesh}, ${this.awsName(inMesh[0])}.`, route.at, route.pointer);
      return this.awsName(inMesh[0]);
    }
    this.report.error('IMPORT-GATEWAY', `cannot tell which virtual gateway GatewayRoute ${route.name} belongs to: no VirtualGateway's namespaceSelector and gatewayRouteSelector match it. Set spec.virtualGatewayRef, or import the Namespace and VirtualGateway manifests too.`, route.at, route.pointer);
    return undefined;
  }

  private meshOfQuietly(object: KubernetesObject): string | undefined {
    const quiet = new Conversion(this.objects, this.namespaces, new ImportReport(), this.options);
    return quiet.meshOf(object)?.name;
  }
}

/** The controller's default App Mesh name for an object. */
export function defaultAwsName(kind: Kind, name: string, namespace: string): string {
  if (kind === 'Mesh') return name;
  return kind === 'VirtualService' ? `${name}.${namespace}` : `${name}_${namespace}`;
}
