// The operator's `store` section as the HA layer's StoreSettings (the --store / --etcd-* flags go over it).
import { DEFAULT_ETCD_PREFIX, DEFAULT_LEASE_TTL_SECONDS, StoreSettings } from '../ha/store-settings';
import { OperatorConfig } from './operator-config';

export function storeSettings(operator: OperatorConfig): StoreSettings {
  const { backend = 'embedded', etcd } = operator.store;
  if (!etcd) return { backend };
  return {
    backend,
    etcd: {
      endpoints: etcd.endpoints ?? [],
      prefix: etcd.prefix ?? DEFAULT_ETCD_PREFIX,
      leaseTtlSeconds: etcd.leaseTtl ?? DEFAULT_LEASE_TTL_SECONDS,
      ...(etcd.tls ? { tls: etcd.tls } : {}),
      ...(etcd.auth ? { auth: { userEnv: etcd.auth.user.env, passwordEnv: etcd.auth.password.env } } : {}),
    },
  };
}
