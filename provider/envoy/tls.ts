// TLS (envoy-mapping.md §11): listener TLS → DownstreamTlsContext on the ingress filter chain,
// client policies → UpstreamTlsContext on egress clusters. Certificates come from files
// (inline filenames), a local SDS server (static_cluster_sds_unix_socket), or ACM, which maps
// to SDS secrets served over ADS whose material the operator provides (a SecretSource).
import type { ClientPolicyTls, ListenerTls, SubjectAlternativeNames, TlsValidationContextTrust } from '../../schemas/types';
import { ANY_TYPES, Json } from './proto-codec';
import { ADS_CONFIG_SOURCE, typed } from './envoy-values';
import { acmCertificateSecretName, acmTrustSecretName, SDS_CLUSTER } from './names';

/** Names of the secrets a proxy's resources reference over ADS (collected while translating). */
export type AdsSecrets = Set<string>;

const LOCAL_SDS_SOURCE: Json = {
  api_config_source: {
    api_type: 'GRPC',
    transport_api_version: 'V3',
    grpc_services: [{ envoy_grpc: { cluster_name: SDS_CLUSTER } }],
  },
  resource_api_version: 'V3',
};

function localSecret(name: string): Json {
  return { name, sds_config: LOCAL_SDS_SOURCE };
}

function adsSecret(name: string, secrets: AdsSecrets): Json {
  secrets.add(name);
  return { name, sds_config: ADS_CONFIG_SOURCE };
}

interface CertificateSource {
  acm?: { certificateArn: string };
  file?: { certificateChain: string; privateKey: string };
  sds?: { secretName: string };
}

/** The certificate half of a CommonTlsContext. */
function certificateFields(certificate: CertificateSource | undefined, secrets: AdsSecrets): Json {
  if (certificate?.file) {
    return { tls_certificates: [{ certificate_chain: { filename: certificate.file.certificateChain }, private_key: { filename: certificate.file.privateKey } }] };
  }
  if (certificate?.sds) return { tls_certificate_sds_secret_configs: [localSecret(certificate.sds.secretName)] };
  if (certificate?.acm) return { tls_certificate_sds_secret_configs: [adsSecret(acmCertificateSecretName(certificate.acm.certificateArn), secrets)] };
  return {};
}

/** SAN matchers: URI form for `scheme://…` names (SPIFFE IDs), DNS otherwise. */
function sanMatchers(names: readonly string[]): Json[] {
  return names.map((name) => ({ san_type: /^[a-z][a-z0-9+.-]*:\/\//i.test(name) ? 'URI' : 'DNS', matcher: { exact: name } }));
}

/** The validation half of a CommonTlsContext: trust plus SAN matching. */
function validationFields(trust: TlsValidationContextTrust | undefined, sans: readonly string[], secrets: AdsSecrets): Json {
  const matchers = sans.length ? { match_typed_subject_alt_names: sanMatchers(sans) } : {};
  if (trust?.file) return { validation_context: { trusted_ca: { filename: trust.file.certificateChain }, ...matchers } };
  const secret = trust?.sds
    ? localSecret(trust.sds.secretName)
    : trust?.acm
      ? adsSecret(acmTrustSecretName(trust.acm.certificateAuthorityArns), secrets)
      : undefined;
  if (!secret) return sans.length ? { validation_context: matchers } : {};
  if (!sans.length) return { validation_context_sds_secret_config: secret };
  return { combined_validation_context: { default_validation_context: matchers, validation_context_sds_secret_config: secret } };
}

function sanList(names: SubjectAlternativeNames | undefined): string[] {
  return names?.match?.exact ?? [];
}

export function tlsTransportSocket(typeUrl: string, context: Json): Json {
  return { name: 'envoy.transport_sockets.tls', typed_config: typed(typeUrl, context) };
}

/** Server side of a VN or VGW listener; undefined when TLS is off (no tls, or mode DISABLED). */
export function downstreamTls(tls: ListenerTls | undefined, secrets: AdsSecrets): Json | undefined {
  if (!tls || tls.mode === 'DISABLED') return undefined;
  const common: Json = { ...certificateFields(tls.certificate, secrets) };
  const context: Json = { common_tls_context: common };
  if (tls.validation) {
    // mTLS: the server asks for a client certificate and checks it against the trust (§11.4).
    Object.assign(common, validationFields(tls.validation.trust as TlsValidationContextTrust, sanList(tls.validation.subjectAlternativeNames), secrets));
    context.require_client_certificate = { value: true };
  }
  return tlsTransportSocket(ANY_TYPES.downstreamTlsContext, context);
}

export interface UpstreamTlsInput {
  /** The client policy in effect for this backend (backend override, else defaults). */
  policy: ClientPolicyTls | undefined;
  /** The target listener's port and TLS, which decide when no client policy applies (§11.3). */
  port: number;
  serverTls: ListenerTls | undefined;
  /** The target's service-discovery name: SNI, and the SAN to expect when the policy names none. */
  discoveryName: string | undefined;
}

function policyApplies(policy: ClientPolicyTls | undefined, port: number): policy is ClientPolicyTls {
  if (!policy) return false;
  return !policy.ports?.length || policy.ports.includes(port);
}

/** Client side towards one backend listener, or undefined for plaintext (envoy-mapping.md §11.3). */
export function upstreamTls(input: UpstreamTlsInput, secrets: AdsSecrets): Json | undefined {
  const { policy, serverTls, discoveryName } = input;
  const serverSpeaksTls = serverTls !== undefined && serverTls.mode !== 'DISABLED';
  const context: Json = {};
  if (discoveryName) context.sni = discoveryName;
  if (policyApplies(policy, input.port) && (policy.enforce !== false || serverSpeaksTls)) {
    // An explicit SAN list wins; without one the server must present its discovery name (§11.2).
    const sans = sanList(policy.validation?.subjectAlternativeNames);
    const expected = sans.length ? sans : discoveryName ? [discoveryName] : [];
    context.common_tls_context = {
      ...certificateFields(policy.certificate, secrets),
      ...validationFields(policy.validation?.trust, expected, secrets),
    };
    return tlsTransportSocket(ANY_TYPES.upstreamTlsContext, context);
  }
  if (!serverSpeaksTls) return undefined;
  // No client policy: originate TLS anyway; validate only an ACM server certificate (its chain's root).
  const acmArn = serverTls.certificate?.acm?.certificateArn;
  context.common_tls_context = acmArn ? { validation_context_sds_secret_config: adsSecret(acmTrustSecretName([acmArn]), secrets) } : {};
  return tlsTransportSocket(ANY_TYPES.upstreamTlsContext, context);
}
