// `meshplane route`: where a request goes from a proxy, answered from its translated Envoy configuration.
export { explainRoute, resolveProxy } from './explain';
export type { ClusterTarget, ExplainedHop, ExplainInput, RouteExplanation, RouteSource } from './explain';
export { parseRequest } from './request';
export type { ExplainRequest, RequestInput } from './request';
export { formatExplanationText } from './format-text';
export { RouteExplainError } from './errors';
export type { Outcome } from './simulate';
