// §3.8 TLS building blocks: listener TLS (termination) and client-policy TLS (origination),
// shared by virtual nodes and virtual gateways.
import { joinPointer } from '../model/diagnostic';
import { Report, RuleContext } from '../validate/rule-context';
import { asArray, asNumber, asObject, asString, objectAt } from './values';

// TLS-1: a DNS name (optionally with a leading `*.` wildcard label) or a URI such as spiffe://…
const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const SAN_DNS = new RegExp(`^(?:\\*\\.)?${DNS_LABEL}(?:\\.${DNS_LABEL})*\\.?$`);
const SAN_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;

const NO_ACM_PROVIDER =
  'this environment has no ACM-compatible certificate provider (environment.yaml validation.acmProvider: false); ' +
  'use a "file" or "sds" source, or enable the provider with `validation: { acmProvider: true }`.';

export function checkListenerTls(value: unknown, pointer: string, report: Report, ctx: RuleContext): void {
  const tls = asObject(value);
  if (!tls) return;
  const certificateAcm = objectAt(tls, 'certificate', 'acm');
  if (certificateAcm && !ctx.environment.validation.acmProvider) {
    report(joinPointer(pointer, 'certificate', 'acm'), 'TLS-5', 'error', `ACM server certificate: ${NO_ACM_PROVIDER}`);
  }
  const validation = asObject(tls.validation);
  if (objectAt(validation, 'trust', 'acm')) {
    report(joinPointer(pointer, 'validation', 'trust', 'acm'), 'VN-L-4', 'error',
      'a listener cannot validate client certificates against ACM; use "trust: {file: {certificateChain: …}}" or "trust: {sds: {secretName: …}}".');
  }
  checkSubjectAlternativeNames(validation, joinPointer(pointer, 'validation'), false, report);
}

/** `clientPolicy.tls` of a backend, of backendDefaults, or of a gateway's backendDefaults. */
export function checkClientPolicyTls(value: unknown, pointer: string, report: Report, ctx: RuleContext): void {
  const tls = asObject(value);
  if (!tls) return;
  if (objectAt(tls, 'certificate', 'acm')) {
    report(joinPointer(pointer, 'certificate', 'acm'), 'VN-CP-2', 'error',
      'a client certificate cannot come from ACM; use "certificate: {file: {certificateChain, privateKey}}" or "certificate: {sds: {secretName}}".');
  }
  const validation = asObject(tls.validation);
  if (objectAt(validation, 'trust', 'acm') && !ctx.environment.validation.acmProvider) {
    report(joinPointer(pointer, 'validation', 'trust', 'acm'), 'TLS-5', 'error', `ACM trust: ${NO_ACM_PROVIDER}`);
  }
  // The API default of `enforce` is true.
  checkSubjectAlternativeNames(validation, joinPointer(pointer, 'validation'), tls.enforce !== false, report);
  const seen = new Set<number>();
  asArray(tls.ports).forEach((port, index) => {
    const n = asNumber(port);
    if (n === undefined) return;
    if (seen.has(n)) {
      report(joinPointer(pointer, 'ports', index), 'VN-CP-4', 'error', `port ${n} is listed twice in this client policy; remove the duplicate.`);
    }
    seen.add(n);
  });
}

function checkSubjectAlternativeNames(validation: Record<string, unknown> | undefined, pointer: string, enforced: boolean, report: Report): void {
  const exact = objectAt(validation, 'subjectAlternativeNames', 'match')?.exact;
  asArray(exact).forEach((value, index) => {
    const san = asString(value);
    if (san === undefined) return;
    const at = joinPointer(pointer, 'subjectAlternativeNames', 'match', 'exact', index);
    if (!SAN_DNS.test(san) && !SAN_URI.test(san)) {
      report(at, 'TLS-1', 'error', `SAN ${JSON.stringify(san)} is neither a DNS name nor a URI; write an FQDN such as "serviceb.apps.local" or a URI such as "spiffe://apps.local/serviceb".`);
    } else if (enforced && san.includes('*')) {
      report(at, 'TLS-2', 'error',
        `wildcard SAN ${JSON.stringify(san)} in an enforced client policy (enforce defaults to true); list the exact server names, or set "enforce: false".`);
    }
  });
}
