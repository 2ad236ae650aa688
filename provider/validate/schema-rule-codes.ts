// Which rule of resource-model.md a schema error breaks, so that every schema diagnostic
// cites the most specific rule ID (falling back to SCHEMA only where the spec has none).
import { Kind } from '../model/kinds';

/** Keywords the generated schemas use (see provider/schema/botocore-to-json-schema.ts). */
export type SchemaKeyword =
  | 'type'
  | 'required'
  | 'additionalProperties'
  | 'minProperties'
  | 'maxProperties'
  | 'enum'
  | 'const'
  | 'minimum'
  | 'maximum'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'minItems'
  | 'maxItems';

export const FALLBACK_SCHEMA_CODE = 'SCHEMA';

interface RuleCodeEntry {
  /** Kinds the entry applies to; every kind when absent. */
  kinds?: readonly Kind[];
  /**
   * Field paths in dotted form with `[]` for list items: `*` stands for any characters inside
   * one member name, `**` for any run of members; a trailing `**` covers the field and all below it.
   */
  paths: readonly string[];
  /** ajv keywords the entry applies to; every keyword when absent. */
  keywords?: readonly SchemaKeyword[];
  code: string;
}

const NODE: readonly Kind[] = ['VirtualNode'];
const GATEWAY: readonly Kind[] = ['VirtualGateway'];
const ROUTE: readonly Kind[] = ['Route'];
const GATEWAY_ROUTE: readonly Kind[] = ['GatewayRoute'];
const LENGTH: readonly SchemaKeyword[] = ['minLength', 'maxLength'];

/**
 * Ordered most specific first; the first entry whose kind, path and keyword match wins.
 * The path of a `required` error is the missing member, of an `additionalProperties` error the unknown key.
 */
export const SCHEMA_RULE_CODES: readonly RuleCodeEntry[] = [
  // Envelope (§1)
  { paths: ['*Name'], code: 'ID-1' },
  { paths: ['tags**'], code: 'TAG-1' },
  { paths: ['spec'], code: 'WR-2' },

  // Mesh (§4)
  { kinds: ['Mesh'], paths: ['spec.egressFilter**'], code: 'MESH-1' },
  { kinds: ['Mesh'], paths: ['spec.serviceDiscovery**'], code: 'MESH-2' },

  // VirtualService (§5)
  { kinds: ['VirtualService'], paths: ['spec.provider.*.*Name'], keywords: LENGTH, code: 'ID-1' },
  { kinds: ['VirtualService'], paths: ['spec.provider**'], code: 'VS-1' },

  // VirtualGateway (§9): same listener paths as a node, gateway rule IDs
  { kinds: GATEWAY, paths: ['spec.listeners[].connectionPool**'], code: 'VG-2' },
  { kinds: GATEWAY, paths: ['spec.listeners[].healthCheck.protocol'], code: 'VG-3' },
  { kinds: GATEWAY, paths: ['spec.listeners[].healthCheck**'], code: 'HC-1' },
  { kinds: GATEWAY, paths: ['spec.listeners[].tls**', 'spec.backendDefaults**'], code: 'VG-4' },
  { kinds: GATEWAY, paths: ['spec.listeners**'], code: 'VG-1' },

  // VirtualNode (§6)
  { kinds: NODE, paths: ['spec.listeners[].connectionPool**'], code: 'CP-1' },
  { kinds: NODE, paths: ['spec.listeners[].timeout.tcp.perRequest'], keywords: ['additionalProperties'], code: 'VN-L-2' },
  { kinds: NODE, paths: ['spec.listeners[].timeout**'], code: 'TO-1' },
  { kinds: NODE, paths: ['spec.listeners[].healthCheck**'], code: 'HC-1' },
  { kinds: NODE, paths: ['spec.listeners[].outlierDetection**'], code: 'OD-1' },
  { kinds: NODE, paths: ['spec.listeners[].tls**'], code: 'VN-L-4' },
  { kinds: NODE, paths: ['spec.listeners**'], code: 'VN-L-1' },
  { kinds: NODE, paths: ['spec.serviceDiscovery**'], code: 'VN-SD-1' },
  { kinds: NODE, paths: ['spec.backends[].virtualService.virtualServiceName'], keywords: LENGTH, code: 'ID-1' },
  { kinds: NODE, paths: ['spec.**.clientPolicy.tls.certificate**'], code: 'VN-CP-2' },
  { kinds: NODE, paths: ['spec.**.clientPolicy.tls.ports**'], code: 'VN-CP-4' },
  { kinds: NODE, paths: ['spec.**.clientPolicy**'], code: 'VN-CP-1' },
  { kinds: ['VirtualNode', 'VirtualGateway'], paths: ['spec.logging**'], code: 'LOG-1' },

  // VirtualRouter (§7)
  { kinds: ['VirtualRouter'], paths: ['spec.listeners[].portMapping.port'], code: 'VR-2' },
  { kinds: ['VirtualRouter'], paths: ['spec.listeners**'], code: 'VR-1' },

  // Route (§8) and GatewayRoute (§10) share the match building blocks (§3.3–§3.5)
  { kinds: [...ROUTE, ...GATEWAY_ROUTE], paths: ['spec.*Route.match.path**'], code: 'PM-1' },
  { kinds: [...ROUTE, ...GATEWAY_ROUTE], paths: ['spec.*Route.match.headers[].match**', 'spec.*Route.match.metadata[].match**'], code: 'MM-1' },

  { kinds: ROUTE, paths: ['spec.priority'], code: 'RT-PR-1' },
  { kinds: ROUTE, paths: ['spec.*Route.match.headers**', 'spec.*Route.match.metadata**', 'spec.*Route.match.queryParameters**'], code: 'RT-M-4' },
  { kinds: ROUTE, paths: ['spec.*Route.match.prefix'], code: 'RT-M-2' },
  { kinds: ROUTE, paths: ['spec.*Route.match.scheme'], code: 'RT-M-3' },
  { kinds: ROUTE, paths: ['spec.*Route.match.port'], code: 'RT-P-1' },
  { kinds: ROUTE, paths: ['spec.grpcRoute.match.serviceName', 'spec.grpcRoute.match.methodName'], code: 'RT-M-5' },
  { kinds: ROUTE, paths: ['spec.*Route.match**'], code: 'RT-M-1' },
  { kinds: ROUTE, paths: ['spec.*Route.action.weightedTargets[].virtualNode'], keywords: LENGTH, code: 'ID-1' },
  { kinds: ROUTE, paths: ['spec.*Route.action**'], code: 'RT-T-1' },
  { kinds: ROUTE, paths: ['spec.*Route.retryPolicy**'], code: 'RT-R-1' },
  { kinds: ROUTE, paths: ['spec.*Route'], code: 'RT-1' },

  { kinds: GATEWAY_ROUTE, paths: ['spec.priority'], code: 'GR-14' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.match.hostname**'], code: 'GR-3' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.match.headers**', 'spec.*Route.match.metadata**', 'spec.*Route.match.queryParameters**'], code: 'GR-6' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.match.prefix'], code: 'GR-4' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.match.port'], code: 'GR-11' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.grpcRoute.match.serviceName'], code: 'GR-5' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.match**'], code: 'GR-2' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.grpcRoute.action.rewrite.*'], keywords: ['additionalProperties'], code: 'GR-9' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.action.rewrite.prefix**'], code: 'GR-8' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.action.rewrite**'], code: 'GR-7' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.action.target.port'], code: 'GR-12' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.action.target.virtualService.virtualServiceName'], keywords: LENGTH, code: 'ID-1' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route.action**'], code: 'GR-10' },
  { kinds: GATEWAY_ROUTE, paths: ['spec.*Route'], code: 'GR-1' },
];

interface CompiledEntry {
  kinds?: ReadonlySet<Kind>;
  pattern: RegExp;
  keywords?: ReadonlySet<string>;
  code: string;
}

function pathPattern(paths: readonly string[]): RegExp {
  const alternatives = paths.map((path) =>
    path
      .split(/(\*\*|\*)/)
      .map((part, i, parts) => {
        if (part === '**') return i === parts.length - 2 && parts[i + 1] === '' ? '(?:[.[].*)?' : '.*';
        if (part === '*') return '[^.[]*';
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join(''),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

const COMPILED: readonly CompiledEntry[] = SCHEMA_RULE_CODES.map((entry) => ({
  kinds: entry.kinds && new Set(entry.kinds),
  pattern: pathPattern(entry.paths),
  keywords: entry.keywords && new Set(entry.keywords),
  code: entry.code,
}));

const memo = new Map<string, string>();

/**
 * Rule ID for a schema error of `keyword` about the field at `fieldPath` (dotted, `[]` for
 * list items, e.g. `spec.listeners[].portMapping.port`) in a document of `kind`.
 */
export function schemaRuleCode(kind: Kind, fieldPath: string, keyword: string): string {
  const key = `${kind} ${keyword} ${fieldPath}`;
  let code = memo.get(key);
  if (code === undefined) {
    code =
      COMPILED.find(
        (e) => (!e.kinds || e.kinds.has(kind)) && (!e.keywords || e.keywords.has(keyword)) && e.pattern.test(fieldPath),
      )?.code ?? FALLBACK_SCHEMA_CODE;
    memo.set(key, code);
  }
  return code;
}
