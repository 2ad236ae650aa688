// Takes an environment's lock in the etcd state store and holds it until killed (SIGKILL in tests).
import { connectEtcd } from '../../reconciler/ha';
import { EtcdStateStore } from '../../reconciler/state/etcd-state-store';

const [endpoints, prefix, environment] = process.argv.slice(2);
const store = new EtcdStateStore(connectEtcd({ endpoints: endpoints.split(','), prefix, leaseTtlSeconds: 2 }));
void store.lock(environment, 'meshplane apply').then(() => process.send!('locked'));
