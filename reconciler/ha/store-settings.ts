// Which backend holds the state and the endpoint registry: the operator configuration's `store`
// (reconciler/operator/store-settings.ts), overridden by `meshplane serve --store … --etcd-*` flags.
import { storeSettingMessages } from './errors';

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

/** `meshplane serve` flags; each one given replaces the matching setting of the operator configuration. */
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
 * Merges the flags over the operator configuration's store settings; returns the problems as messages
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
