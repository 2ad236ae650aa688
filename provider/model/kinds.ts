// The seven App Mesh resource kinds and the facts every layer needs about them:
// identity keys, parent, and the names App Mesh uses in ARNs and describe output.

export const KINDS = [
  'Mesh',
  'VirtualService',
  'VirtualNode',
  'VirtualRouter',
  'Route',
  'VirtualGateway',
  'GatewayRoute',
] as const;

export type Kind = (typeof KINDS)[number];

export interface KindInfo {
  kind: Kind;
  /** Identity members in ARN order, e.g. Route: meshName, virtualRouterName, routeName. */
  identityKeys: readonly string[];
  /** The member holding this resource's own name (last identity key). */
  nameKey: string;
  /** Kind of the parent inside the mesh (Route → VirtualRouter, GatewayRoute → VirtualGateway). */
  parentKind?: Kind;
  /** camelCase key used by `aws appmesh describe-*` output and ARN path segments. */
  apiName: string;
  /** Whether `spec` is required by the API (Mesh spec is optional). */
  specRequired: boolean;
}

export const KIND_INFO: Record<Kind, KindInfo> = {
  Mesh: { kind: 'Mesh', identityKeys: ['meshName'], nameKey: 'meshName', apiName: 'mesh', specRequired: false },
  VirtualService: {
    kind: 'VirtualService',
    identityKeys: ['meshName', 'virtualServiceName'],
    nameKey: 'virtualServiceName',
    apiName: 'virtualService',
    specRequired: true,
  },
  VirtualNode: {
    kind: 'VirtualNode',
    identityKeys: ['meshName', 'virtualNodeName'],
    nameKey: 'virtualNodeName',
    apiName: 'virtualNode',
    specRequired: true,
  },
  VirtualRouter: {
    kind: 'VirtualRouter',
    identityKeys: ['meshName', 'virtualRouterName'],
    nameKey: 'virtualRouterName',
    apiName: 'virtualRouter',
    specRequired: true,
  },
  Route: {
    kind: 'Route',
    identityKeys: ['meshName', 'virtualRouterName', 'routeName'],
    nameKey: 'routeName',
    parentKind: 'VirtualRouter',
    apiName: 'route',
    specRequired: true,
  },
  VirtualGateway: {
    kind: 'VirtualGateway',
    identityKeys: ['meshName', 'virtualGatewayName'],
    nameKey: 'virtualGatewayName',
    apiName: 'virtualGateway',
    specRequired: true,
  },
  GatewayRoute: {
    kind: 'GatewayRoute',
    identityKeys: ['meshName', 'virtualGatewayName', 'gatewayRouteName'],
    nameKey: 'gatewayRouteName',
    parentKind: 'VirtualGateway',
    apiName: 'gatewayRoute',
    specRequired: true,
  },
};

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/**
 * Infers the kind of a document that has no `kind` from its identity members, as the
 * `aws appmesh create-* --cli-input-json` files carry them: the most specific name wins
 * (gatewayRouteName > routeName > virtualGatewayName > virtualRouterName > virtualNodeName
 * > virtualServiceName > meshName).
 */
export function inferKind(doc: Record<string, unknown>): Kind | undefined {
  const order: Kind[] = ['GatewayRoute', 'Route', 'VirtualGateway', 'VirtualRouter', 'VirtualNode', 'VirtualService', 'Mesh'];
  return order.find((kind) => typeof doc[KIND_INFO[kind].nameKey] === 'string');
}
