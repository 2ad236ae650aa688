// LOG-2: Envoy rejects an access-log format with an unknown command operator, and App Mesh
// then leaves the proxy in an error state; warn before that happens.
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { asArray, asObject, asString, objectAt } from './values';

// Envoy access-log command operators (envoyproxy.io, "Access logging → Command operators").
const ENVOY_OPERATORS = new Set([
  'START_TIME', 'START_TIME_LOCAL', 'EMIT_TIME', 'EMIT_TIME_LOCAL', 'REQUEST_HEADERS_BYTES', 'BYTES_RECEIVED',
  'BYTES_RETRANSMITTED', 'PACKETS_RETRANSMITTED', 'UPSTREAM_WIRE_BYTES_RECEIVED', 'UPSTREAM_HEADER_BYTES_RECEIVED',
  'DOWNSTREAM_WIRE_BYTES_RECEIVED', 'DOWNSTREAM_HEADER_BYTES_RECEIVED', 'PROTOCOL', 'UPSTREAM_PROTOCOL', 'RESPONSE_CODE',
  'RESPONSE_CODE_DETAILS', 'CONNECTION_TERMINATION_DETAILS', 'RESPONSE_HEADERS_BYTES', 'RESPONSE_TRAILERS_BYTES',
  'BYTES_SENT', 'UPSTREAM_WIRE_BYTES_SENT', 'UPSTREAM_HEADER_BYTES_SENT', 'DOWNSTREAM_WIRE_BYTES_SENT',
  'DOWNSTREAM_HEADER_BYTES_SENT', 'DURATION', 'COMMON_DURATION', 'CUSTOM_FLAGS', 'REQUEST_DURATION', 'REQUEST_TX_DURATION',
  'RESPONSE_DURATION', 'RESPONSE_TX_DURATION', 'DOWNSTREAM_HANDSHAKE_DURATION', 'ROUNDTRIP_DURATION',
  'UPSTREAM_CONNECTION_POOL_READY_DURATION', 'RESPONSE_FLAGS', 'RESPONSE_FLAGS_LONG', 'UPSTREAM_HOST', 'UPSTREAM_HOST_NAME',
  'UPSTREAM_HOST_NAME_WITHOUT_PORT', 'UPSTREAM_CLUSTER', 'UPSTREAM_CLUSTER_RAW', 'UPSTREAM_LOCAL_ADDRESS',
  'UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT', 'UPSTREAM_LOCAL_PORT', 'UPSTREAM_REMOTE_ADDRESS',
  'UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT', 'UPSTREAM_REMOTE_PORT', 'UPSTREAM_REQUEST_ATTEMPT_COUNT', 'UPSTREAM_TLS_CIPHER',
  'UPSTREAM_TLS_VERSION', 'UPSTREAM_TLS_SESSION_ID', 'UPSTREAM_PEER_ISSUER', 'UPSTREAM_PEER_CERT', 'UPSTREAM_PEER_SUBJECT',
  'UPSTREAM_PEER_URI_SAN', 'UPSTREAM_PEER_DNS_SAN', 'UPSTREAM_PEER_IP_SAN', 'UPSTREAM_LOCAL_URI_SAN',
  'UPSTREAM_LOCAL_DNS_SAN', 'UPSTREAM_LOCAL_IP_SAN', 'UPSTREAM_LOCAL_SUBJECT', 'UPSTREAM_PEER_CERT_V_START',
  'UPSTREAM_PEER_CERT_V_END', 'UPSTREAM_FILTER_STATE', 'UPSTREAM_TRANSPORT_FAILURE_REASON', 'UPSTREAM_CONNECTION_ID',
  'HOSTNAME', 'DOWNSTREAM_LOCAL_ADDRESS', 'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_LOCAL_PORT',
  'DOWNSTREAM_DIRECT_LOCAL_ADDRESS', 'DOWNSTREAM_DIRECT_LOCAL_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_DIRECT_LOCAL_PORT',
  'DOWNSTREAM_REMOTE_ADDRESS', 'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_REMOTE_PORT',
  'DOWNSTREAM_DIRECT_REMOTE_ADDRESS', 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT', 'DOWNSTREAM_DIRECT_REMOTE_PORT',
  'CONNECTION_ID', 'REQUESTED_SERVER_NAME', 'ROUTE_NAME', 'VIRTUAL_CLUSTER_NAME', 'DOWNSTREAM_PEER_URI_SAN',
  'DOWNSTREAM_PEER_DNS_SAN', 'DOWNSTREAM_PEER_IP_SAN', 'DOWNSTREAM_PEER_EMAIL_SAN', 'DOWNSTREAM_PEER_OTHERNAME_SAN',
  'DOWNSTREAM_LOCAL_URI_SAN', 'DOWNSTREAM_LOCAL_DNS_SAN', 'DOWNSTREAM_LOCAL_IP_SAN', 'DOWNSTREAM_LOCAL_EMAIL_SAN',
  'DOWNSTREAM_LOCAL_OTHERNAME_SAN', 'DOWNSTREAM_PEER_SUBJECT', 'DOWNSTREAM_LOCAL_SUBJECT', 'DOWNSTREAM_PEER_ISSUER',
  'DOWNSTREAM_TLS_SESSION_ID', 'DOWNSTREAM_TLS_CIPHER', 'DOWNSTREAM_TLS_VERSION', 'DOWNSTREAM_PEER_FINGERPRINT_256',
  'DOWNSTREAM_PEER_FINGERPRINT_1', 'DOWNSTREAM_PEER_SERIAL', 'DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256',
  'DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_1', 'DOWNSTREAM_PEER_CHAIN_SERIALS', 'DOWNSTREAM_PEER_CERT',
  'DOWNSTREAM_PEER_CERT_V_START', 'DOWNSTREAM_PEER_CERT_V_END', 'DOWNSTREAM_TRANSPORT_FAILURE_REASON', 'REQ', 'RESP',
  'TRAILER', 'REQ_WITHOUT_QUERY', 'QUERY_PARAM', 'PATH', 'DYNAMIC_METADATA', 'CLUSTER_METADATA', 'UPSTREAM_METADATA',
  'FILTER_STATE', 'FILTER_CHAIN_NAME', 'LOCAL_REPLY_BODY', 'ACCESS_LOG_TYPE', 'GRPC_STATUS', 'GRPC_STATUS_NUMBER',
  'STREAM_ID', 'UNIQUE_ID', 'ENVIRONMENT', 'TRACE_ID', 'VIRTUAL_CLUSTER_NAME',
]);

// `%NAME%`, `%NAME(args)%`, `%NAME(args):maxLength%`; args may contain `%` (START_TIME formats) and `:`.
const OPERATOR = /^%([A-Z0-9_]+)(\([^)]*\))?(:\d+)?%/;

/** Checks `logging.accessLog.file.format` of a virtual node or gateway spec. */
export function checkAccessLog(logging: unknown, pointer: string, report: Report): void {
  const format = objectAt(logging, 'accessLog', 'file', 'format');
  if (!format) return;
  const formatAt = joinPointer(pointer, 'accessLog', 'file', 'format');
  checkFormatString(format.text, joinPointer(formatAt, 'text'), report);
  asArray(format.json).forEach((entry, index) => {
    checkFormatString(asObject(entry)?.value, joinPointer(formatAt, 'json', index, 'value'), report);
  });
}

function checkFormatString(value: unknown, pointer: string, report: Report): void {
  const text = asString(value);
  if (text === undefined) return;
  for (let i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i)) {
    if (text[i + 1] === '%') {
      i += 2; // `%%` is a literal percent sign
      continue;
    }
    const operator = OPERATOR.exec(text.slice(i));
    if (!operator) {
      report(pointer, 'LOG-2', 'warning',
        `"${text.slice(i, i + 20)}…" is not a complete Envoy command operator; write %OPERATOR%, %OPERATOR(arg)% or %OPERATOR(arg):length%, and escape a literal percent sign as %%.`);
      return;
    }
    if (!ENVOY_OPERATORS.has(operator[1])) {
      report(pointer, 'LOG-2', 'warning',
        `%${operator[1]}% is not an Envoy access-log command operator, and Envoy rejects formats with unknown operators; check the spelling (e.g. %START_TIME%, %RESPONSE_CODE%, %REQ(:PATH)%).`);
    }
    i += operator[0].length;
  }
}
