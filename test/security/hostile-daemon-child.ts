// Child of hostile-network.test.ts: `meshplane serve` as a library call with the options given as
// JSON in argv[2] (`operator` is the operator configuration's input), logging JSON lines on stdout
// like the CLI. Started under `prlimit --nofile=…`.
import pino from 'pino';
import { Daemon, DaemonOptions } from '../../reconciler/daemon/daemon';
import { operatorConfig, OperatorConfigInput } from '../../reconciler/operator/operator-config';

async function main(): Promise<void> {
  const { operator, ...options } = JSON.parse(process.argv[2]) as Omit<DaemonOptions, 'operator'> & { operator: OperatorConfigInput };
  const daemon = await Daemon.start({ ...options, operator: operatorConfig(operator), log: pino({ level: 'info' }) });
  process.once('SIGTERM', () => void daemon.stop().then(() => process.exit(0)));
}

void main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
