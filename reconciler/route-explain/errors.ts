// Errors of `meshplane route`: a request that cannot be parsed or a proxy the environment does
// not have. Each says what is wrong and how to write it instead.
export class RouteExplainError extends Error {
  override readonly name = 'RouteExplainError';
}

export const routeExplainErrors = {
  noTarget: () =>
    new RouteExplainError(
      'give the request to explain: [METHOD] <url>, e.g. `GET http://serviceb.apps.local/api`, or with --grpc <service>/<method> the target `serviceb.apps.local:80`.',
    ),
  tooManyArguments: (args: readonly string[]) =>
    new RouteExplainError(`expected [METHOD] <url>, got ${args.length} arguments (${args.map((a) => JSON.stringify(a)).join(' ')}); quote a URL that holds spaces or shell characters.`),
  badMethod: (method: string) => new RouteExplainError(`"${method}" is not an HTTP method; use GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, CONNECT or TRACE.`),
  badUrl: (url: string, why: string) => new RouteExplainError(`cannot read the URL "${url}": ${why}. Write it as http://<host>[:port]/<path>[?query], e.g. http://serviceb.apps.local:80/api?x=1.`),
  badPort: (url: string) => new RouteExplainError(`the port in "${url}" is not a number 1–65535.`),
  badHeader: (header: string) => new RouteExplainError(`-H "${header}" is not a header; write it as "name: value", e.g. -H "x-canary: true".`),
  badGrpc: (value: string) =>
    new RouteExplainError(`--grpc "${value}" is not <service>/<method>; give the fully qualified service and the method, e.g. --grpc orders.v1.OrderService/GetOrder.`),
  grpcMethod: (method: string) => new RouteExplainError(`a gRPC call is always POST; drop "${method}" (--grpc builds POST /<service>/<method>).`),
  grpcQuery: () => new RouteExplainError('a gRPC call has no query string; drop the "?…" part of the target.'),
  unknownProxy: (name: string, environment: string, known: readonly string[], suggestion: string | undefined) =>
    new RouteExplainError(
      `environment ${environment} has no virtual node or virtual gateway named "${name}"` +
        (suggestion ? `; did you mean "${suggestion}"?` : '.') +
        (known.length ? ` Proxies: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.` : ' It defines no proxies.'),
    ),
  ambiguousProxy: (name: string, matches: readonly string[]) =>
    new RouteExplainError(`"${name}" names several proxies (${matches.join(', ')}); pass --mesh <mesh> or --from VirtualNode/<mesh>/<name>.`),
};
