// Every validation rule, whose rule it is and which severities it reports (docs/validation-rules.md
// explains each). Errors are definitions App Mesh refused (or meshplane cannot serve); warnings and
// notes are meshplane's opinion about definitions App Mesh accepted. Only the opinions can be
// tuned in environment.yaml (`validation.strict`, `validation.rules`; see severity-policy.ts).
import { Severity } from '../model/diagnostic';

/**
 * `App Mesh`: its API or its Kubernetes controller refused such definitions.
 * `Envoy`: App Mesh accepted it, but the Envoy it configured rejected or mishandled the result.
 * `meshplane`: neither; meshplane's own advice, or a requirement of this environment's settings.
 */
export type RuleOwner = 'App Mesh' | 'Envoy' | 'meshplane';

export interface RuleEntry {
  owner: RuleOwner;
  /** Severities the rule reports by default; `error` ones can never be lowered. Empty: documentation only. */
  severities: readonly Severity[];
}

const E: readonly Severity[] = ['error'];
const W: readonly Severity[] = ['warning'];
const I: readonly Severity[] = ['info'];
const EW: readonly Severity[] = ['error', 'warning'];

const appMesh = (severities: readonly Severity[] = E): RuleEntry => ({ owner: 'App Mesh', severities });
const meshplane = (severities: readonly Severity[] = W): RuleEntry => ({ owner: 'meshplane', severities });
const envoy = (severities: readonly Severity[]): RuleEntry => ({ owner: 'Envoy', severities });

export const RULE_CATALOG: Readonly<Record<string, RuleEntry>> = {
  // §1 identity and envelope
  'ID-1': appMesh(),
  'ID-3': meshplane(E),
  'ID-4': meshplane(),
  'ID-5': appMesh(),
  'ID-8': meshplane(),
  'WR-2': appMesh(),
  'WR-3': meshplane(),
  'TAG-1': appMesh(),
  // §3 shared value types
  'MM-1': appMesh(),
  'MM-2': appMesh(),
  'MM-3': envoy(E),
  'PM-1': appMesh(),
  'TLS-1': appMesh(),
  'TLS-2': appMesh(),
  'TLS-5': meshplane(E),
  'HC-1': appMesh(),
  'HC-2': appMesh(),
  'HC-3': meshplane(),
  'HC-4': meshplane(),
  'OD-1': appMesh(),
  'OD-2': meshplane(),
  'CP-1': appMesh(),
  'CP-2': appMesh(),
  'TO-1': appMesh(),
  'LOG-1': appMesh(),
  'LOG-2': envoy(W),
  // §4 mesh
  'MESH-1': appMesh(),
  'MESH-2': appMesh(),
  'MESH-3': meshplane(I),
  'MESH-6': appMesh(),
  // §5 virtual service
  'VS-1': appMesh(),
  'VS-4': meshplane([]),
  'VS-5': meshplane(),
  'VS-6': meshplane(),
  // §6 virtual node
  'VN-SD-1': appMesh(),
  'VN-SD-2': appMesh(),
  'VN-SD-3': meshplane(I),
  'VN-SD-4': meshplane(E),
  'VN-BE-1': appMesh(),
  'VN-BE-2': appMesh(),
  'VN-BE-5': meshplane(),
  'VN-L-1': appMesh(),
  'VN-L-2': appMesh(),
  'VN-L-4': appMesh(),
  'VN-L-5': meshplane(),
  'VN-CP-1': appMesh(),
  'VN-CP-2': appMesh(),
  'VN-CP-4': appMesh(),
  // §7 virtual router
  'VR-1': appMesh(EW),
  'VR-2': appMesh(),
  'VR-4': appMesh(),
  // §8 route
  'RT-1': appMesh(),
  'RT-M-1': appMesh(),
  'RT-M-2': appMesh(),
  'RT-M-3': appMesh(),
  'RT-M-4': appMesh(),
  'RT-M-5': appMesh(),
  'RT-M-6': meshplane(),
  'RT-P-1': appMesh(),
  'RT-P-2': meshplane(),
  'RT-PR-1': appMesh(),
  'RT-R-1': appMesh(),
  'RT-R-2': meshplane(),
  'RT-T-1': appMesh(),
  'RT-T-2': appMesh(EW),
  'RT-T-3': appMesh(),
  'RT-T-4': meshplane(),
  'RT-T-5': meshplane(),
  'RT-TO-1': meshplane(),
  'A-16': appMesh(),
  'A-25': appMesh(),
  // §9 virtual gateway
  'VG-1': appMesh(),
  'VG-2': appMesh(),
  'VG-3': appMesh(),
  'VG-4': appMesh(),
  'VG-6': meshplane(),
  'VG-8': appMesh(),
  // §10 gateway route
  'GR-1': appMesh(),
  'GR-2': appMesh(),
  'GR-3': appMesh(),
  'GR-4': appMesh(),
  'GR-5': appMesh(EW),
  'GR-6': appMesh(),
  'GR-7': appMesh(),
  'GR-8': appMesh(),
  'GR-9': appMesh(),
  'GR-10': appMesh(),
  'GR-11': appMesh(EW),
  'GR-12': appMesh(),
  'GR-13': meshplane(),
  'GR-14': appMesh(),
  'GR-15': appMesh(),
  'A-12': meshplane(),
  // §11 cross-resource
  R1: appMesh(),
  R2: appMesh(),
  R3: appMesh(),
  R4: appMesh(),
  R5: appMesh(),
  R6: appMesh(),
  R7: appMesh(),
  R8: meshplane(EW),
  'XR-3': appMesh(),
  'XR-5': meshplane(),
  'XR-9': meshplane(),
  'XR-10': meshplane(),
  'QUOTA-13': appMesh(),
};

/** Whether `validation.rules` may set `rule` to `severity`: errors are never lowered, so a rule reporting only errors cannot be. */
export function overrideProblem(rule: string, severity: 'error' | 'warning' | 'off'): string | undefined {
  const entry = RULE_CATALOG[rule];
  if (!entry) return undefined;
  if (severity !== 'error' && entry.severities.length > 0 && entry.severities.every((s) => s === 'error')) {
    const whose = entry.owner === 'meshplane' ? 'meshplane cannot serve such definitions' : `${entry.owner} refused such definitions`;
    return `${rule} reports only errors (${whose}), and errors cannot be lowered; remove this entry (see docs/validation-rules.md#${rule.toLowerCase()}).`;
  }
  return undefined;
}
