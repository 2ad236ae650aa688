// The text answer of `meshplane route`: each hop (listener, filter chain, route table, virtual
// host), every route considered with why it did or did not match, and what the chosen route does.
import type { Style } from '../cli/terminal';
import { ExplainedHop, RouteExplanation, RouteSource } from './explain';

export type Paint = (style: Style, text: string) => string;

const STAGES: Record<ExplainedHop['stage'], string> = {
  egress: 'egress listener',
  'gateway-listener': 'gateway listener (stage 1: gateway routes)',
  'gateway-egress': 'gateway egress (stage 2: the target service’s routes)',
  'api-listener': 'gRPC API listener',
};

function describeSource(source: RouteSource): string {
  if (source.kind === 'provider-node') return `no router: virtual service ${source.virtualService} is provided by virtual node ${source.virtualNode} (one synthetic route)`;
  const priority = source.priority !== undefined ? `priority ${source.priority}` : 'no priority (after every prioritised route)';
  return `${source.kind} ${source.parent}/${source.name}, ${priority} (${source.file})`;
}

function retrySource(source: RouteSource | undefined): string {
  if (!source || source.retryPolicy === 'route') return '';
  return source.retryPolicy === 'default' ? ' (App Mesh default policy: the route sets none)' : '';
}

function formatHop(hop: ExplainedHop, paint: Paint, out: string[]): void {
  const where = [`${STAGES[hop.stage]} ${hop.listener}`];
  if (hop.filterChain) where.push(`filter chain ${hop.filterChain}`);
  if (hop.routeConfig) where.push(`route table ${hop.routeConfig}`);
  out.push(paint('bold', where.join(' · ')));
  const r = hop.request;
  out.push(`  request: ${r.method} ${r.authority}${r.path}${r.query ? `?${r.query}` : ''}${Object.keys(r.headers).length ? `  ${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('; ')}` : ''}`);
  if (hop.virtualHost) out.push(`  virtual host ${hop.virtualHost.name} (Host ${r.authority} matched domain ${hop.virtualHost.matchedDomain})`);
  if (hop.candidates.length) {
    out.push("  routes, in Envoy's order:");
    const width = Math.min(32, Math.max(...hop.candidates.map((c) => c.name.length)));
    for (const c of hop.candidates) {
      const mark = c.matched ? paint('green', '✓') : paint('dim', '✗');
      const tail = c.matched ? paint('green', '← chosen') : paint('dim', `(${c.reason})`);
      out.push(`    ${mark} ${c.name.padEnd(width)}  ${c.match}  ${tail}`);
    }
  }
  if (hop.tcp) {
    out.push(`  TCP proxy${hop.tcp.idleTimeout ? `, idle timeout ${hop.tcp.idleTimeout}` : ''}`);
  }
  const route = hop.route;
  if (route) {
    out.push(`  ${paint('cyan', `route ${route.name}`)}${hop.source ? `: ${describeSource(hop.source)}` : ''}`);
    const a = route.action;
    if (a.hostRewrite) out.push(`    host rewrite: ${r.authority} → ${a.hostRewrite}`);
    if (a.pathRewrite) out.push(`    path rewrite: ${a.pathRewrite.from} → ${a.pathRewrite.to}  (${a.pathRewrite.rule})`);
    for (const h of a.headersAdded) out.push(`    sets header ${h.name}: ${h.value}`);
    if (a.headersRemoved.length) out.push(`    removes header ${a.headersRemoved.join(', ')}`);
    const timeouts = [
      ...(a.timeout ? [`${a.timeout} per request`] : []),
      ...(a.idleTimeout ? [`idle ${a.idleTimeout}`] : []),
      ...(a.maxStreamDuration ? [`${a.maxStreamDuration} per call (max_stream_duration)`] : []),
    ];
    if (hop.stage === 'gateway-listener') out.push('    timeout: none at this stage (the target route’s timeout applies at stage 2)');
    else if (timeouts.length) out.push(`    timeout: ${timeouts.join(', ')}`);
    if (hop.stage !== 'gateway-listener') {
      const p = a.retryPolicy;
      out.push(
        p
          ? `    retries: up to ${p.numRetries} on ${p.retryOn}${p.retriableStatusCodes ? ` (status ${p.retriableStatusCodes.join(', ')})` : ''}${p.perTryTimeout ? `, ${p.perTryTimeout} per try` : ''}${retrySource(hop.source)}`
          : '    retries: none',
      );
    }
  }
  if (hop.targets?.length) {
    out.push(hop.stage === 'gateway-listener' ? '    next: the gateway’s own egress listener' : '    targets:');
    for (const t of hop.targets) {
      const who = t.virtualNode ? `${t.virtualNode} ${t.protocol}:${t.port}` : t.cluster;
      const extra = [t.virtualNode ? t.cluster : undefined, t.discovery, t.targetTimeout ? `its listener times out after ${t.targetTimeout}` : undefined].filter(Boolean);
      out.push(`      ${t.share.padStart(6)}  ${who}${extra.length ? paint('dim', `  (${extra.join('; ')})`) : ''}`);
    }
  }
}

export function formatExplanationText(x: RouteExplanation, paint: Paint): string {
  const out: string[] = [];
  const r = x.request;
  const who = `${x.proxy.kind} ${x.proxy.name} (mesh ${x.proxy.meshName})${x.flavour === 'grpc' ? ' as a proxyless gRPC client' : x.proxy.kind === 'VirtualGateway' ? '' : ', Envoy sidecar'}`;
  const call = r.grpc ? `gRPC ${r.grpc.service}/${r.grpc.method} to ${r.authority}` : `${r.method} ${r.scheme}://${r.authority}${r.path}${r.query ? `?${r.query}` : ''}`;
  out.push(`${paint('bold', call)} from ${who}`, '');
  for (const hop of x.hops) {
    formatHop(hop, paint, out);
    out.push('');
  }
  const final = [...x.hops].reverse().find((h) => h.targets?.length);
  if (x.outcome === 'routed' && final) {
    out.push(`${paint('green', 'routed')} → ${final.targets!.map((t) => `${t.virtualNode ?? t.cluster} ${t.share}`).join(', ')}`);
  } else if (x.outcome === 'tcp' && final) {
    out.push(`${paint('green', 'TCP')} → ${final.targets!.map((t) => `${t.virtualNode ?? t.cluster} ${t.share}`).join(', ')}`);
  } else if (x.outcome === 'passthrough') {
    out.push(`${paint('yellow', 'passthrough')}: the request leaves the mesh to its original destination (egressFilter ALLOW_ALL)`);
  } else {
    out.push(`${paint('red', 'not routed')}: ${x.problem ?? x.outcome}`);
  }
  for (const note of x.notes) out.push(`${paint('yellow', 'note')}: ${note}`);
  return out.join('\n') + '\n';
}
