// SARIF 2.1.0 for code-scanning uploads (GitHub's upload-sarif, GitLab, IDEs): one run of the
// meshplane tool, a rule per diagnostic code, a result per finding at its file, line and column.
import { packageVersion } from '../../provider/package-root';
import { Finding } from './findings';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const LEVEL: Record<Finding['severity'], 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(findings: readonly Finding[], headCommit?: string): Record<string, unknown> {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const rules = codes.map((code) => {
    const first = findings.find((f) => f.code === code)!;
    return {
      id: code,
      shortDescription: { text: `meshplane rule ${code}` },
      defaultConfiguration: { level: LEVEL[first.severity] },
    };
  });
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: codes.indexOf(f.code),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.anchor.file, uriBaseId: '%SRCROOT%' },
          region: { startLine: f.anchor.line, startColumn: f.anchor.column },
        },
      },
    ],
    partialFingerprints: { meshplaneFinding: `${f.environment}:${f.code}:${f.anchor.file}:${f.pointer}` },
    properties: { environment: f.environment, ...(f.pointer ? { pointer: f.pointer } : {}) },
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'meshplane', version: packageVersion(), rules } },
        ...(headCommit ? { properties: { headCommit } } : {}),
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], headCommit?: string): string {
  return JSON.stringify(toSarif(findings, headCommit), null, 2) + '\n';
}
