// Every finding of a review that belongs on a line of a changed file: the head's validation
// diagnostics and the plan's (blocked deletions), each anchored to a file and a 1-based position.
import { compareDiagnostics, Diagnostic } from '../../provider/model/diagnostic';
import { ENVIRONMENT_FILE, ENVIRONMENTS_DIR } from '../load/load-environment';
import { Review } from './review-types';

export interface Finding extends Diagnostic {
  environment: string;
  /** Where annotations go: the diagnostic's file, or the environment's environment.yaml when it has none; line and column at least 1. */
  anchor: { file: string; line: number; column: number };
}

export function reviewFindings(review: Review): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const env of review.environments) {
    for (const d of [...env.diagnostics, ...env.plan.diagnostics].sort(compareDiagnostics)) {
      const key = [env.environment, d.code, d.file, d.line, d.column, d.message].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      const file = d.file || `${ENVIRONMENTS_DIR}/${env.environment}/${ENVIRONMENT_FILE}`;
      out.push({ ...d, environment: env.environment, anchor: { file, line: Math.max(1, d.line), column: Math.max(1, d.column) } });
    }
  }
  return out;
}
