// GitLab's code-quality report (a Code Climate JSON array), saved as the job's
// `artifacts:reports:codequality` so findings show in the merge request's diff.
import { createHash } from 'node:crypto';
import { Finding } from './findings';

const SEVERITY: Record<Finding['severity'], string> = { error: 'critical', warning: 'minor', info: 'info' };

export function toCodeQuality(findings: readonly Finding[]): Array<Record<string, unknown>> {
  return findings.map((f) => ({
    description: `${f.code}: ${f.message}`,
    check_name: f.code,
    fingerprint: createHash('md5').update([f.environment, f.code, f.anchor.file, f.pointer, f.message].join('\u0000')).digest('hex'),
    severity: SEVERITY[f.severity],
    location: { path: f.anchor.file, lines: { begin: f.anchor.line } },
  }));
}

export function formatCodeQuality(findings: readonly Finding[]): string {
  return JSON.stringify(toCodeQuality(findings), null, 2) + '\n';
}
