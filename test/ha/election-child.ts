// A replica's leadership in its own process, so a test can pause it (SIGSTOP, as a long GC pause)
// or partition it: it campaigns, reports leadership changes and its lease's proven lifetime, and on
// request commits a revision through the fenced state store or replays a write with its old fence.
import { connectEtcd, LeaderElection } from '../../reconciler/ha';
import { applyEnvironment } from '../../reconciler/plan';
import { EtcdStateStore } from '../../reconciler/state/etcd-state-store';
import { markedResources, SETTINGS } from '../state/state-fixtures';

const [endpoints, prefix, ttl, id] = process.argv.slice(2);
const connection = connectEtcd({ endpoints: endpoints.split(','), prefix, leaseTtlSeconds: Number(ttl) });
const election = new LeaderElection(connection, { value: id, ttlSeconds: Number(ttl) });
const store = new EtcdStateStore(connection);
store.fenceWith((what) => election.fence(what));
let lastFence: { key: string; createRevision: string } | undefined;
let reportedValidUntil = 0;

election.on('elected', (fence) => {
  lastFence = fence;
  process.send!({ event: 'elected', at: Date.now(), fence });
});
election.on('deposed', (reason) => process.send!({ event: 'deposed', at: Date.now(), reason }));
setInterval(() => {
  if (election.isLeader() && election.leaseValidUntil !== reportedValidUntil) {
    reportedValidUntil = election.leaseValidUntil;
    process.send!({ event: 'validUntil', value: reportedValidUntil });
  }
}, 20);

process.on('message', async (message: { cmd: string; marker?: number }) => {
  const at = Date.now();
  if (message.cmd === 'commit') {
    try {
      const result = await applyEnvironment({ store, config: SETTINGS, desired: markedResources(message.marker!, 2), commit: `c${message.marker}`, lockTimeoutMs: 5_000 });
      process.send!({ reply: 'commit', at, ok: result.status });
    } catch (error) {
      process.send!({ reply: 'commit', at, error: (error as Error).name, message: (error as Error).message });
    }
  } else if (message.cmd === 'replay') {
    // A write already past the local check when the pause began: only etcd's fence can stop it.
    const result = await connection.namespace
      .if(lastFence!.key, 'Create', '==', lastFence!.createRevision)
      .then(connection.namespace.put('fenced-probe').value(id))
      .commit();
    process.send!({ reply: 'replay', at, succeeded: result.succeeded });
  }
});
election.start();
process.send!({ event: 'started' });
