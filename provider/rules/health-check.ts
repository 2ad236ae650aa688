// §3.9 health-check policy of a virtual-node or virtual-gateway listener (HC-1..HC-4).
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { asNumber, asObject, asString } from './values';

const REQUIRED = ['healthyThreshold', 'intervalMillis', 'protocol', 'timeoutMillis', 'unhealthyThreshold'] as const;
const HTTP_PROTOCOLS = new Set(['http', 'http2']);

export function checkHealthCheck(value: unknown, listenerPort: number | undefined, pointer: string, report: Report): void {
  const check = asObject(value);
  if (!check) return;
  const missing = REQUIRED.filter((member) => check[member] === undefined || check[member] === null);
  if (missing.length > 0) {
    report(pointer, 'HC-1', 'error',
      `health check is missing ${missing.join(', ')}; once a health check is given, ${REQUIRED.join(', ')} are all required (e.g. timeoutMillis: 2000).`);
  }
  const port = asNumber(check.port);
  if (port !== undefined && listenerPort !== undefined && port !== listenerPort) {
    report(joinPointer(pointer, 'port'), 'HC-2', 'error',
      `health-check port ${port} differs from the listener port ${listenerPort}; set it to ${listenerPort} or omit it (it defaults to the listener port).`);
  }
  const protocol = asString(check.protocol);
  if (protocol !== undefined) {
    if (check.path !== undefined && !HTTP_PROTOCOLS.has(protocol)) {
      report(joinPointer(pointer, 'path'), 'HC-3', 'warning', `"path" is ignored with health-check protocol ${protocol}; remove it, or use protocol http/http2.`);
    } else if (check.path === undefined && HTTP_PROTOCOLS.has(protocol)) {
      report(pointer, 'HC-3', 'warning', `an ${protocol} health check without "path" has no documented default; set the path to probe, e.g. "path: /ping".`);
    }
  }
  const timeout = asNumber(check.timeoutMillis);
  const interval = asNumber(check.intervalMillis);
  if (timeout !== undefined && interval !== undefined && timeout >= interval) {
    report(joinPointer(pointer, 'timeoutMillis'), 'HC-4', 'warning',
      `timeoutMillis ${timeout} is not below intervalMillis ${interval}, so checks overlap; lower timeoutMillis or raise intervalMillis.`);
  }
}
