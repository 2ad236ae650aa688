// Blocks shared by several aws_appmesh_* resources (TLS, durations, matches, logging), mapped from
// the App Mesh API spelling to the Terraform schema's. The provider's generated types for the same
// block differ only in name between resources, so the virtual node's types stand for all of them.
import type {
  AppmeshVirtualNodeSpecBackendDefaultsClientPolicy,
  AppmeshVirtualNodeSpecListenerHealthCheck,
  AppmeshVirtualNodeSpecListenerPortMapping,
  AppmeshVirtualNodeSpecListenerTls,
  AppmeshVirtualNodeSpecLogging,
} from '@cdktf/provider-aws/lib/appmesh-virtual-node';
import type {
  AppmeshRouteSpecHttpRouteMatchHeader,
  AppmeshRouteSpecHttpRouteMatchPath,
  AppmeshRouteSpecHttpRouteMatchQueryParameter,
} from '@cdktf/provider-aws/lib/appmesh-route';
import { SpecReader } from '../spec-reader';

export interface Duration {
  unit: string;
  value: number;
}

/** API `tags: [{key, value}]` → Terraform `tags = { key = value }`. */
export function tags(doc: SpecReader): Record<string, string> | undefined {
  const pairs = doc.list('tags', (tag) => [tag.str('key')!, tag.str('value') ?? ''] as const);
  return pairs ? Object.fromEntries(pairs) : undefined;
}

export function duration(r: SpecReader): Duration {
  return { unit: r.str('unit')!, value: r.num('value')! };
}

export function portMapping(r: SpecReader): AppmeshVirtualNodeSpecListenerPortMapping {
  return { port: r.num('port')!, protocol: r.str('protocol')! };
}

export function healthCheck(r: SpecReader): AppmeshVirtualNodeSpecListenerHealthCheck {
  return {
    healthyThreshold: r.num('healthyThreshold')!,
    intervalMillis: r.num('intervalMillis')!,
    path: r.str('path'),
    port: r.num('port'),
    protocol: r.str('protocol')!,
    timeoutMillis: r.num('timeoutMillis')!,
    unhealthyThreshold: r.num('unhealthyThreshold')!,
  };
}

function subjectAlternativeNames(r: SpecReader) {
  return { match: r.object('match', (m) => ({ exact: m.scalars<string>('exact')! }))! };
}

/** Client policy of a backend or of backend defaults (virtual node and virtual gateway). */
export function clientPolicy(r: SpecReader): AppmeshVirtualNodeSpecBackendDefaultsClientPolicy {
  return {
    tls: r.object('tls', (tls) => ({
      enforce: tls.bool('enforce'),
      ports: tls.scalars<number>('ports'),
      certificate: tls.object('certificate', (c) => ({
        file: c.object('file', (f) => ({ certificateChain: f.str('certificateChain')!, privateKey: f.str('privateKey')! })),
        sds: c.object('sds', (s) => ({ secretName: s.str('secretName')! })),
      })),
      validation: tls.object('validation', (v) => ({
        subjectAlternativeNames: v.object('subjectAlternativeNames', subjectAlternativeNames),
        trust: v.object('trust', (t) => ({
          acm: t.object('acm', (a) => ({ certificateAuthorityArns: a.scalars<string>('certificateAuthorityArns')! })),
          file: t.object('file', (f) => ({ certificateChain: f.str('certificateChain')! })),
          sds: t.object('sds', (s) => ({ secretName: s.str('secretName')! })),
        }))!,
      }))!,
    })),
  };
}

/** TLS termination on a listener (virtual node and virtual gateway). */
export function listenerTls(r: SpecReader): AppmeshVirtualNodeSpecListenerTls {
  return {
    mode: r.str('mode')!,
    certificate: r.object('certificate', (c) => ({
      acm: c.object('acm', (a) => ({ certificateArn: a.str('certificateArn')! })),
      file: c.object('file', (f) => ({ certificateChain: f.str('certificateChain')!, privateKey: f.str('privateKey')! })),
      sds: c.object('sds', (s) => ({ secretName: s.str('secretName')! })),
    }))!,
    validation: r.object('validation', (v) => ({
      subjectAlternativeNames: v.object('subjectAlternativeNames', subjectAlternativeNames),
      trust: v.object('trust', (t) => ({
        file: t.object('file', (f) => ({ certificateChain: f.str('certificateChain')! })),
        sds: t.object('sds', (s) => ({ secretName: s.str('secretName')! })),
      }))!,
    })),
  };
}

export function logging(r: SpecReader): AppmeshVirtualNodeSpecLogging {
  return {
    accessLog: r.object('accessLog', (a) => ({
      file: a.object('file', (f) => ({
        path: f.str('path')!,
        format: f.object('format', (fmt) => ({
          text: fmt.str('text'),
          json: fmt.list('json', (pair) => ({ key: pair.str('key')!, value: pair.str('value')! })),
        })),
      })),
    })),
  };
}

/** API `headers[]` / `metadata[]` entry → Terraform `header` / `metadata` block. */
export function headerMatch(r: SpecReader): AppmeshRouteSpecHttpRouteMatchHeader {
  return {
    name: r.str('name')!,
    invert: r.bool('invert'),
    match: r.object('match', (m) => ({
      exact: m.str('exact'),
      prefix: m.str('prefix'),
      regex: m.str('regex'),
      suffix: m.str('suffix'),
      range: m.object('range', (range) => ({ start: range.num('start')!, end: range.num('end')! })),
    })),
  };
}

export function pathMatch(r: SpecReader): AppmeshRouteSpecHttpRouteMatchPath {
  return { exact: r.str('exact'), regex: r.str('regex') };
}

export function queryParameter(r: SpecReader): AppmeshRouteSpecHttpRouteMatchQueryParameter {
  return { name: r.str('name')!, match: r.object('match', (m) => ({ exact: m.str('exact') })) };
}

/** Route and listener timeouts: `{ idle, perRequest }` durations. */
export function timeout(r: SpecReader): { idle?: Duration; perRequest?: Duration } {
  return { idle: r.object('idle', duration), perRequest: r.object('perRequest', duration) };
}
