// Execution order of a plan (resource-model.md §11.5): creates and updates parent-first, so
// everything a resource names exists before it; deletes child-first, so nothing is deleted
// while App Mesh would still call it in use (§11.3).
import { Kind } from '../../provider/model/kinds';
import { compareStrings } from './canonical';
import { PlanStep } from './plan-types';

const CREATE_RANK: Record<Kind, number> = {
  Mesh: 0,
  VirtualNode: 1,
  VirtualRouter: 1,
  VirtualGateway: 1,
  Route: 2,
  VirtualService: 3,
  GatewayRoute: 4,
};

const DELETE_RANK: Record<Kind, number> = {
  GatewayRoute: 0,
  VirtualService: 1,
  Route: 2,
  VirtualRouter: 3,
  VirtualNode: 3,
  VirtualGateway: 4,
  Mesh: 5,
};

function kindOfKey(key: string): Kind {
  return key.slice(0, key.indexOf('/')) as Kind;
}

/**
 * Creates and updates by create rank, then deletes by delete rank; ties by key, for stable
 * output. A resource re-created under the same identity is deleted just before its create.
 */
export function orderSteps(steps: readonly PlanStep[]): PlanStep[] {
  const created = new Set(steps.filter((s) => s.op === 'create').map((s) => s.key));
  const writes = steps.filter((s) => s.op !== 'delete');
  const deletes = steps.filter((s) => s.op === 'delete' && !created.has(s.key));
  writes.sort((a, b) => CREATE_RANK[kindOfKey(a.key)] - CREATE_RANK[kindOfKey(b.key)] || compareStrings(a.key, b.key));
  deletes.sort((a, b) => DELETE_RANK[kindOfKey(a.key)] - DELETE_RANK[kindOfKey(b.key)] || compareStrings(a.key, b.key));
  const recreated = new Set(steps.filter((s) => s.op === 'delete' && created.has(s.key)).map((s) => s.key));
  const ordered = writes.flatMap((s) => (s.op === 'create' && recreated.has(s.key) ? [{ op: 'delete' as const, key: s.key }, s] : [s]));
  return [...ordered, ...deletes];
}
