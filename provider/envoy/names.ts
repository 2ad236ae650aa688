// App Mesh's Envoy resource names (envoy-mapping.md §4.1, §5.1): dashboards and alerts key on
// them, so they are reproduced exactly; names App Mesh never shows are marked [I].

export const INGRESS_PORT = 15000;
export const EGRESS_PORT = 15001;

export type Protocol = 'http' | 'http2' | 'grpc' | 'tcp';

export const INGRESS_LISTENER = `lds_ingress_0.0.0.0_${INGRESS_PORT}`;
export const EGRESS_LISTENER = `lds_egress_0.0.0.0_${EGRESS_PORT}`;

/** A virtual gateway listener, as in App Mesh's bind error text (zh:L8215). */
export function gatewayListenerName(port: number): string {
  return `lds_ingress_0.0.0.0_port_${port}`;
}

/** The local-app cluster behind a virtual node listener. */
export function ingressClusterName(mesh: string, node: string, protocol: string, port: number): string {
  return `cds_ingress_${mesh}_${node}_${protocol}_${port}`;
}

/** A client's cluster for one listener of a backend virtual node; the same name in both flavours. */
export function egressClusterName(mesh: string, node: string, protocol: string, port: number): string {
  return `cds_egress_${mesh}_${node}_${protocol}_${port}`;
}

export function passthroughClusterName(mesh: string): string {
  return `cds_egress_${mesh}_mesh-allow-all`;
}

export function amazonawsClusterName(mesh: string): string {
  return `cds_egress_${mesh}_amazonaws`;
}

/** The gateway's cluster back into its own egress listener; the listener port appears only with several listeners. */
export function selfRedirectClusterName(mesh: string, gateway: string, protocol: string, listenerPort: number, severalListeners: boolean): string {
  const infix = severalListeners ? `${listenerPort}_` : '';
  return `cds_ingress_${mesh}_${gateway}_self_redirect_${infix}${protocol}_${EGRESS_PORT}`;
}

export function ingressRouteConfigName(protocol: string, port: number): string {
  return `rds_ingress_${protocol}_${port}`;
}

/** [I] The egress route table of one destination port (App Mesh never shows it). */
export function egressRouteConfigName(protocol: string, port: number): string {
  return `rds_egress_${protocol}_${port}`;
}

/** `ingress` with one listener, `ingress.<protocol>.<port>` with several (zh:L6066-6085). */
export function statPrefix(direction: 'ingress' | 'egress', protocol: string, port: number, several: boolean): string {
  return several ? `${direction}.${protocol}.${port}` : direction;
}

/** The proxyless gRPC flavour's API listener: what `xds:///<name>:<port>` asks for (gRFC A27). */
export function apiListenerName(virtualService: string, port?: number): string {
  return port === undefined ? virtualService : `${virtualService}:${port}`;
}

/** [I] The route table an API listener points at. */
export function apiRouteConfigName(virtualService: string, port: number): string {
  return `rds_egress_${virtualService}_${port}`;
}

/** The static cluster the App Mesh bootstrap defines for a local SDS server (APPMESH_SDS_SOCKET_PATH). */
export const SDS_CLUSTER = 'static_cluster_sds_unix_socket';

/** [I] Secret names served over ADS for ACM sources: the certificate ARN, and `ca:<arn>` for a trust. */
export function acmCertificateSecretName(certificateArn: string): string {
  return certificateArn;
}

export function acmTrustSecretName(authorityArns: readonly string[]): string {
  return `ca:${authorityArns.join(',')}`;
}

/** [I] Header the gateway's first stage sets to pick the target at its second (egress) stage. */
export const GATEWAY_TARGET_HEADER = 'x-meshplane-target';
