// Which backend holds the state and the endpoint registry: the `store` section of environment.yaml,
// overridden by `meshplane serve --store … --etcd-*` flags.
//
//   store:
//     backend: etcd                     # embedded (files in the state dir, the default) | etcd
//     etcd:
//       endpoints: [http://10.0.0.5:2379, http://10.0.0.6:2379, http://10.0.0.7:2379]
//       prefix: /meshplane/             # every key lives under it (default /meshplane/)
//       leaseTtl: 10                    # seconds; a dead leader is replaced within it (default 10)
//       tls: {ca: /etc/meshplane/etcd-ca.pem, cert: /etc/meshplane/etcd.pem, key: /etc/meshplane/etcd.key}
//       auth: {userEnv: ETCD_USER, passwordEnv: ETCD_PASSWORD}
import { Diagnostic, joinPointer } from '../../provider/model/diagnostic';
import { Position } from '../../provider/model/resource';
import { storeSettingMessages } from './errors';

export const STORE_SECTION = 'store';
export const DEFAULT_ETCD_PREFIX = '/meshplane/';
export const DEFAULT_LEASE_TTL_SECONDS = 10;

export type StoreBackend = 'embedded' | 'etcd';

export interface EtcdSettings {
  endpoints: string[];
  prefix: string;
  leaseTtlSeconds: number;
  tls?: { ca?: string; cert?: string; key?: string };
  auth?: { userEnv: string; passwordEnv: string };
}

export interface StoreSettings {
  backend: StoreBackend;
  etcd?: EtcdSettings;
}

export interface SectionSource {
  file: string;
  locate(pointer: string): Position;
}

const KEYS = ['backend', 'etcd'];
const ETCD_KEYS = ['endpoints', 'prefix', 'leaseTtl', 'tls', 'auth'];
const TLS_KEYS = ['ca', 'cert', 'key'];
const AUTH_KEYS = ['userEnv', 'passwordEnv'];

export function readStoreSettings(value: unknown, source: SectionSource): { settings: StoreSettings; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report = (pointer: string, message: string) =>
    diagnostics.push({ code: 'ENV-STORE', severity: 'error', message, file: source.file, ...source.locate(pointer), pointer });
  const settings: StoreSettings = { backend: 'embedded' };
  const root = `/${STORE_SECTION}`;
  if (value === undefined || value === null) return { settings, diagnostics };
  if (!isRecord(value)) {
    report(root, storeSettingMessages.notMapping());
    return { settings, diagnostics };
  }
  unknownKeys(value, KEYS, root, 'store', report);
  if (value.backend !== undefined) {
    if (value.backend === 'embedded' || value.backend === 'etcd') settings.backend = value.backend;
    else report(joinPointer(root, 'backend'), storeSettingMessages.badBackend(value.backend));
  }
  const etcdPointer = joinPointer(root, 'etcd');
  if (value.etcd !== undefined) {
    if (!isRecord(value.etcd)) report(etcdPointer, storeSettingMessages.notMapping());
    else settings.etcd = readEtcd(value.etcd, etcdPointer, report);
  }
  if (settings.backend === 'etcd' && (settings.etcd?.endpoints.length ?? 0) === 0 && diagnostics.length === 0) {
    report(value.etcd === undefined ? joinPointer(root, 'backend') : etcdPointer, storeSettingMessages.etcdWithoutEndpoints());
  }
  return { settings, diagnostics };
}

function readEtcd(value: Record<string, unknown>, at: string, report: (pointer: string, message: string) => void): EtcdSettings {
  unknownKeys(value, ETCD_KEYS, at, 'store.etcd', report);
  const etcd: EtcdSettings = { endpoints: [], prefix: DEFAULT_ETCD_PREFIX, leaseTtlSeconds: DEFAULT_LEASE_TTL_SECONDS };
  if (value.endpoints !== undefined) {
    if (!Array.isArray(value.endpoints)) report(joinPointer(at, 'endpoints'), storeSettingMessages.endpointsNotList());
    else
      value.endpoints.forEach((endpoint, index) => {
        if (isEndpoint(endpoint)) etcd.endpoints.push(endpoint);
        else report(joinPointer(at, 'endpoints', String(index)), storeSettingMessages.badEndpoint(endpoint));
      });
  }
  if (value.prefix !== undefined) {
    if (isPrefix(value.prefix)) etcd.prefix = value.prefix;
    else report(joinPointer(at, 'prefix'), storeSettingMessages.badPrefix(value.prefix));
  }
  if (value.leaseTtl !== undefined) {
    if (isTtl(value.leaseTtl)) etcd.leaseTtlSeconds = value.leaseTtl;
    else report(joinPointer(at, 'leaseTtl'), storeSettingMessages.badTtl(value.leaseTtl));
  }
  if (value.tls !== undefined) {
    const tlsAt = joinPointer(at, 'tls');
    if (!isRecord(value.tls)) report(tlsAt, storeSettingMessages.notMapping());
    else {
      unknownKeys(value.tls, TLS_KEYS, tlsAt, 'store.etcd.tls', report);
      const tls: EtcdSettings['tls'] = {};
      for (const key of TLS_KEYS as ('ca' | 'cert' | 'key')[]) {
        const file = value.tls[key];
        if (file === undefined) continue;
        if (typeof file === 'string' && file !== '') tls[key] = file;
        else report(joinPointer(tlsAt, key), storeSettingMessages.notString(`store.etcd.tls.${key}`));
      }
      if ((tls.cert === undefined) !== (tls.key === undefined)) report(tlsAt, storeSettingMessages.keyWithoutCert());
      etcd.tls = tls;
    }
  }
  if (value.auth !== undefined) {
    const authAt = joinPointer(at, 'auth');
    if (!isRecord(value.auth)) report(authAt, storeSettingMessages.notMapping());
    else {
      unknownKeys(value.auth, AUTH_KEYS, authAt, 'store.etcd.auth', report);
      const { userEnv, passwordEnv } = value.auth;
      if (typeof userEnv === 'string' && userEnv !== '' && typeof passwordEnv === 'string' && passwordEnv !== '') etcd.auth = { userEnv, passwordEnv };
      else report(authAt, storeSettingMessages.authIncomplete());
    }
  }
  return etcd;
}

/** `meshplane serve` flags; each one given replaces the matching setting of environment.yaml. */
export interface StoreFlags {
  store?: string;
  etcdEndpoints?: string;
  etcdPrefix?: string;
  etcdLeaseTtl?: string;
  etcdCa?: string;
  etcdCert?: string;
  etcdKey?: string;
  etcdUserEnv?: string;
  etcdPasswordEnv?: string;
}

/**
 * Merges the flags over the settings read from environment.yaml; returns the problems as messages
 * naming the flag (the CLI turns them into usage errors).
 */
export function mergeStoreFlags(base: StoreSettings, flags: StoreFlags): { settings: StoreSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: StoreSettings = { backend: base.backend, etcd: base.etcd ? { ...base.etcd } : undefined };
  if (flags.store !== undefined) {
    if (flags.store === 'embedded' || flags.store === 'etcd') settings.backend = flags.store;
    else problems.push(`--store ${JSON.stringify(flags.store)} is not a backend; use --store embedded or --store etcd`);
  }
  const etcd = (settings.etcd ??= { endpoints: [], prefix: DEFAULT_ETCD_PREFIX, leaseTtlSeconds: DEFAULT_LEASE_TTL_SECONDS });
  if (flags.etcdEndpoints !== undefined) {
    const endpoints = flags.etcdEndpoints.split(',').map((e) => e.trim()).filter((e) => e !== '');
    const bad = endpoints.filter((e) => !isEndpoint(e));
    if (bad.length > 0) problems.push(`--etcd-endpoints: ${bad.map((e) => storeSettingMessages.badEndpoint(e)).join('; ')}`);
    else etcd.endpoints = endpoints;
  }
  if (flags.etcdPrefix !== undefined) {
    if (isPrefix(flags.etcdPrefix)) etcd.prefix = flags.etcdPrefix;
    else problems.push(`--etcd-prefix: ${storeSettingMessages.badPrefix(flags.etcdPrefix)}`);
  }
  if (flags.etcdLeaseTtl !== undefined) {
    const ttl = Number(flags.etcdLeaseTtl);
    if (isTtl(ttl)) etcd.leaseTtlSeconds = ttl;
    else problems.push(`--etcd-lease-ttl: ${storeSettingMessages.badTtl(flags.etcdLeaseTtl)}`);
  }
  if (flags.etcdCa !== undefined || flags.etcdCert !== undefined || flags.etcdKey !== undefined) {
    etcd.tls = { ...etcd.tls, ...(flags.etcdCa ? { ca: flags.etcdCa } : {}), ...(flags.etcdCert ? { cert: flags.etcdCert } : {}), ...(flags.etcdKey ? { key: flags.etcdKey } : {}) };
    if ((etcd.tls.cert === undefined) !== (etcd.tls.key === undefined)) problems.push('--etcd-cert and --etcd-key go together (client certificate authentication)');
  }
  if (flags.etcdUserEnv !== undefined || flags.etcdPasswordEnv !== undefined) {
    const userEnv = flags.etcdUserEnv ?? etcd.auth?.userEnv;
    const passwordEnv = flags.etcdPasswordEnv ?? etcd.auth?.passwordEnv;
    if (userEnv && passwordEnv) etcd.auth = { userEnv, passwordEnv };
    else problems.push('--etcd-user-env and --etcd-password-env go together: the names of the variables holding the etcd user and password');
  }
  if (settings.backend === 'etcd' && etcd.endpoints.length === 0) problems.push('--store etcd needs --etcd-endpoints http://host:2379,… (or store.etcd.endpoints in the configuration file)');
  if (settings.backend === 'embedded' && base.etcd === undefined && etcd.endpoints.length === 0) settings.etcd = undefined;
  return { settings, problems };
}

/** One store for the whole process: the environments' sections must agree (when they say anything). */
export function combineStoreSettings(perEnvironment: readonly { environment: string; settings: StoreSettings; declared: boolean }[]): {
  settings: StoreSettings;
  problems: string[];
} {
  const declared = perEnvironment.filter((e) => e.declared);
  if (declared.length === 0) return { settings: { backend: 'embedded' }, problems: [] };
  const first = declared[0];
  const problems = declared
    .filter((e) => JSON.stringify(e.settings) !== JSON.stringify(first.settings))
    .map((e) => storeSettingMessages.backendsDiffer(first.environment, e.environment));
  return { settings: first.settings, problems };
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], at: string, where: string, report: (pointer: string, message: string) => void): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) report(joinPointer(at, key), storeSettingMessages.unknownKey(where, key, known));
}

function isEndpoint(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.pathname === '/';
  } catch {
    return false;
  }
}

function isPrefix(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.endsWith('/') && !/\s/.test(value);
}

function isTtl(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 2 && value <= 300;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
