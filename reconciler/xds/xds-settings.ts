// The `xds` section of environment.yaml: where the server listens, how proxies authenticate, limits.
//
//   xds:
//     listen: 0.0.0.0:18000
//     auth:
//       mode: token                       # none (default) | token | mtls
//       tokens:                           # per-proxy bearer tokens, by node id (short form or ARN)
//         mesh/apps/virtualNode/serviceA: env:SERVICE_A_XDS_TOKEN
//         mesh/apps/virtualNode/serviceB: file:/run/secrets/serviceb-xds-token
//     tls:                                # serve over TLS; with mode mtls, clientCa verifies proxies
//       certificate: /etc/meshplane/xds.pem
//       privateKey: /etc/meshplane/xds.key
//       clientCa: /etc/meshplane/proxy-ca.pem
//     proxyLimit: 50                      # or true: quotas.envoysPerVirtualNode / envoysPerVirtualGateway
//     maxProxies: 50000                 # default
//     maxMessageBytes: 16777216
//     maxConcurrentStreams: 100           # per HTTP/2 connection (default)
//     keepalive: {timeSeconds: 30, timeoutSeconds: 10}
import { Diagnostic, joinPointer } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { proxyKey } from '../../provider/envoy/snapshot';
import { XdsStreamError, xdsSettingErrors } from './errors';
import { parseNodeId } from './proxy-identity';
import { DEFAULT_MAX_MESSAGE_BYTES } from './xds-server';

export const XDS_SECTION = 'xds';
export const DEFAULT_XDS_LISTEN = '0.0.0.0:18000';

export type AuthMode = 'none' | 'token' | 'mtls';

export interface XdsSettings {
  listen: string;
  auth: { mode: AuthMode; tokens: Map<string, string> };
  tls?: { certificate: string; privateKey: string; clientCa?: string };
  proxyLimit: number | 'quota' | undefined;
  maxProxies?: number;
  maxMessageBytes: number;
  maxConcurrentStreams?: number;
  keepalive: { timeMs: number; timeoutMs: number };
}

export interface SectionSource {
  file: string;
  locate(pointer: string): Position;
}

const KEYS = ['listen', 'auth', 'tls', 'proxyLimit', 'maxProxies', 'maxMessageBytes', 'maxConcurrentStreams', 'keepalive'];

export function defaultXdsSettings(): XdsSettings {
  return {
    listen: DEFAULT_XDS_LISTEN,
    auth: { mode: 'none', tokens: new Map() },
    proxyLimit: undefined,
    maxProxies: 50_000,
    maxConcurrentStreams: 100,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    keepalive: { timeMs: 30_000, timeoutMs: 10_000 },
  };
}

export function readXdsSettings(value: unknown, source: SectionSource): { settings: XdsSettings; diagnostics: Diagnostic[] } {
  const settings = defaultXdsSettings();
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string) =>
    diagnostics.push({ code: 'ENV-XDS', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  const root = `/${XDS_SECTION}`;
  if (value === undefined || value === null) return { settings, diagnostics };
  if (!isRecord(value)) {
    report(root, 'xds must be a mapping (listen, auth, tls, proxyLimit, maxProxies, maxMessageBytes, maxConcurrentStreams, keepalive).');
    return { settings, diagnostics };
  }
  const positive = (key: string, n: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max) return n;
    report(joinPointer(root, key), `xds.${key} must be a whole number from 1 to ${max}; got ${JSON.stringify(n)}.`);
    return undefined;
  };
  for (const [key, setting] of Object.entries(value)) {
    const at = joinPointer(root, key);
    switch (key) {
      case 'listen':
        if (typeof setting === 'string' && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(setting)) settings.listen = setting;
        else report(at, `xds.listen must be host:port, e.g. ${DEFAULT_XDS_LISTEN} or [::]:18000; got ${JSON.stringify(setting)}.`);
        break;
      case 'auth':
        readAuth(setting, at, settings, report);
        break;
      case 'tls':
        readTls(setting, at, settings, report);
        break;
      case 'proxyLimit':
        if (setting === true) settings.proxyLimit = 'quota';
        else if (setting === false) settings.proxyLimit = undefined;
        else settings.proxyLimit = positive(key, setting);
        break;
      case 'maxProxies':
        settings.maxProxies = positive(key, setting);
        break;
      case 'maxMessageBytes':
        settings.maxMessageBytes = positive(key, setting, 2 ** 31 - 1) ?? settings.maxMessageBytes;
        break;
      case 'maxConcurrentStreams':
        settings.maxConcurrentStreams = positive(key, setting);
        break;
      case 'keepalive':
        if (!isRecord(setting)) report(at, 'xds.keepalive must be a mapping {timeSeconds, timeoutSeconds}.');
        else {
          for (const [k, v] of Object.entries(setting)) {
            if (k !== 'timeSeconds' && k !== 'timeoutSeconds') report(joinPointer(at, k), `unknown keepalive setting "${k}"; known: timeSeconds, timeoutSeconds.`);
            else if (typeof v !== 'number' || !(v > 0)) report(joinPointer(at, k), `xds.keepalive.${k} must be a positive number of seconds; got ${JSON.stringify(v)}.`);
            else settings.keepalive[k === 'timeSeconds' ? 'timeMs' : 'timeoutMs'] = Math.round(v * 1000);
          }
        }
        break;
      default:
        report(at, `unknown xds setting "${key}"; known: ${KEYS.join(', ')}.`);
    }
  }
  if (settings.auth.mode === 'mtls' && !settings.tls?.clientCa) {
    report(joinPointer(root, 'auth'), 'xds.auth.mode mtls needs xds.tls with certificate, privateKey and clientCa (the CA that signs proxy certificates).');
  }
  return { settings, diagnostics };
}

function readAuth(value: unknown, at: string, settings: XdsSettings, report: (p: string, m: string) => void): void {
  if (!isRecord(value)) return report(at, 'xds.auth must be a mapping {mode, tokens}.');
  for (const [key, setting] of Object.entries(value)) {
    const here = joinPointer(at, key);
    if (key === 'mode') {
      if (setting === 'none' || setting === 'token' || setting === 'mtls') settings.auth.mode = setting;
      else report(here, `xds.auth.mode must be none, token or mtls; got ${JSON.stringify(setting)}.`);
    } else if (key === 'tokens') {
      if (!isRecord(setting)) {
        report(here, 'xds.auth.tokens must map node ids to secret references, e.g. mesh/apps/virtualNode/serviceA: env:SERVICE_A_XDS_TOKEN.');
        continue;
      }
      for (const [nodeId, ref] of Object.entries(setting)) {
        const refAt = joinPointer(here, nodeId);
        let key: string;
        try {
          key = proxyKey(parseNodeId(nodeId).proxy);
        } catch (error) {
          report(refAt, (error as XdsStreamError).message + '.');
          continue;
        }
        if (typeof ref !== 'string' || !/^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/.test(ref)) report(refAt, xdsSettingErrors.badSecretRef(String(ref)) + '.');
        else settings.auth.tokens.set(key, ref);
      }
    } else {
      report(here, `unknown xds.auth setting "${key}"; known: mode, tokens.`);
    }
  }
  if (settings.auth.mode === 'token' && settings.auth.tokens.size === 0) {
    report(at, 'xds.auth.mode token needs xds.auth.tokens: one secret reference per proxy identity, or no proxy can connect.');
  }
}

function readTls(value: unknown, at: string, settings: XdsSettings, report: (p: string, m: string) => void): void {
  if (!isRecord(value)) return report(at, 'xds.tls must be a mapping {certificate, privateKey, clientCa}.');
  const tls: Partial<NonNullable<XdsSettings['tls']>> = {};
  for (const [key, setting] of Object.entries(value)) {
    if (key !== 'certificate' && key !== 'privateKey' && key !== 'clientCa') report(joinPointer(at, key), `unknown xds.tls setting "${key}"; known: certificate, privateKey, clientCa.`);
    else if (typeof setting !== 'string' || setting === '') report(joinPointer(at, key), `xds.tls.${key} must be a file path.`);
    else tls[key] = setting;
  }
  if (!tls.certificate || !tls.privateKey) return report(at, 'xds.tls needs both certificate and privateKey (PEM file paths).');
  settings.tls = { certificate: tls.certificate, privateKey: tls.privateKey, clientCa: tls.clientCa };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
