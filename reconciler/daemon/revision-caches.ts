// What the daemon keeps of one environment's previous loads so the next commit costs what it
// changed: parsed files by Git object id, per-document findings by Resource object, graph findings
// per resource and group, the planner's indexes of both sides. All give the results a full load,
// validation and plan would (test/daemon/incremental-equals-full.test.ts).
import { DocumentFindingsCache } from '../../provider/validate/document-findings';
import { GraphFindingsCache } from '../../provider/validate/graph-findings-cache';
import { ValidationCaches } from '../../provider/validate/validate';
import { ParseCache } from '../load/parse-cache';
import { PlanMemory } from '../plan/plan-memory';

export interface RevisionCaches extends ValidationCaches {
  parse: ParseCache;
  plan: PlanMemory;
}

export function revisionCaches(): RevisionCaches {
  return { parse: new ParseCache(), findings: new DocumentFindingsCache(), graph: new GraphFindingsCache(), plan: new PlanMemory() };
}
