// §8.6/§8.7 route retry policy: RT-R-1 (shape of the events), RT-R-2 (budget fits the request timeout).
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { DEFAULT_PER_REQUEST_MS, durationMillis, formatMillis } from './duration';
import { RouteBody } from './route-types';
import { asArray, asNumber, asObject, objectAt } from './values';

const HTTP_RETRY_EVENTS = new Set(['server-error', 'gateway-error', 'client-error', 'stream-error']);
const EVENT_LISTS = ['httpRetryEvents', 'tcpRetryEvents', 'grpcRetryEvents'] as const;

export function checkRetryPolicy(route: RouteBody, pointer: string, report: Report): void {
  const policy = asObject(route.body.retryPolicy);
  if (!policy) return;
  const at = joinPointer(pointer, 'retryPolicy');
  if (route.type === 'tcpRoute') {
    report(at, 'A-25', 'error', 'TCP routes have no retry policy (App Mesh retries TCP connects by default); remove retryPolicy.');
    return;
  }
  const maxRetries = asNumber(policy.maxRetries);
  const perRetryMs = durationMillis(policy.perRetryTimeout);
  const missing = [maxRetries === undefined && 'maxRetries', perRetryMs === undefined && 'perRetryTimeout'].filter(Boolean);
  if (missing.length > 0) {
    report(at, 'RT-R-1', 'error', `retryPolicy needs ${missing.join(' and ')}; e.g. "maxRetries: 2" and "perRetryTimeout: {unit: ms, value: 2000}".`);
  }
  if (!EVENT_LISTS.some((list) => asArray(policy[list]).length > 0)) {
    report(at, 'RT-R-1', 'error',
      'retryPolicy retries on nothing: give at least one of httpRetryEvents (e.g. [stream-error, gateway-error]), tcpRetryEvents ([connection-error])' +
        `${route.type === 'grpcRoute' ? ' or grpcRetryEvents (e.g. [cancelled, unavailable])' : ''}.`);
  }
  asArray(policy.httpRetryEvents).forEach((event, index) => {
    if (typeof event === 'string' && !HTTP_RETRY_EVENTS.has(event)) {
      report(joinPointer(at, 'httpRetryEvents', index), 'RT-R-1', 'error',
        `"${event}" is not an HTTP retry event; use ${[...HTTP_RETRY_EVENTS].join(', ')} (custom status codes cannot be expressed).`);
    }
  });
  if (policy.grpcRetryEvents !== undefined && route.type !== 'grpcRoute') {
    report(joinPointer(at, 'grpcRetryEvents'), 'RT-R-1', 'error', `grpcRetryEvents apply only to grpcRoute; remove them from this ${route.type}.`);
  }
  const tcpEvents = policy.tcpRetryEvents;
  if (tcpEvents !== undefined && !(asArray(tcpEvents).length === 1 && asArray(tcpEvents)[0] === 'connection-error')) {
    report(joinPointer(at, 'tcpRetryEvents'), 'RT-R-1', 'error', 'tcpRetryEvents must be exactly [connection-error].');
  }
  const perRequestMs = durationMillis(objectAt(route.body, 'timeout')?.perRequest) ?? DEFAULT_PER_REQUEST_MS;
  // A perRequest of 0 disables the request timeout, so any retry budget fits.
  if (maxRetries !== undefined && perRetryMs !== undefined && perRequestMs > 0 && perRequestMs < perRetryMs * maxRetries) {
    report(at, 'RT-R-2', 'warning',
      `the retry budget (${maxRetries} × ${formatMillis(perRetryMs)} = ${formatMillis(perRetryMs * maxRetries)}) exceeds the request timeout of ${formatMillis(perRequestMs)}, so the retries cannot complete; ` +
        `raise timeout.perRequest to at least ${formatMillis(perRetryMs * maxRetries)} or lower maxRetries/perRetryTimeout.`);
  }
}
