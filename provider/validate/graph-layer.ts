// Layer 3 of validation: rules across documents (resource-model.md §11, §13 and the
// cross-document parts of §1–§10). Runs on the whole model, including documents other layers
// rejected, so every rule reads values defensively. Linear in the number of resources.
// Findings come per owner (graph/owners.ts): every resource's, then every group's.
import { Diagnostic } from '../model/diagnostic';
import { MeshModel } from '../model/mesh-model';
import { GraphIndex } from './graph/graph-index';
import { checkGroup, checkResource, groupsOf, sortGroupFindings } from './graph/owners';
import { RuleContext } from './rule-context';

export function validateGraph(model: MeshModel, ctx: RuleContext): Diagnostic[] {
  const index = new GraphIndex(model);
  const diagnostics: Diagnostic[] = [];
  const groups = new Set<string>();
  for (const resource of model.resources) {
    checkResource(resource, index, ctx, diagnostics);
    for (const group of groupsOf(resource)) groups.add(group);
  }
  const groupFindings: Diagnostic[] = [];
  for (const group of groups) checkGroup(group, index, ctx, groupFindings);
  diagnostics.push(...sortGroupFindings(groupFindings));
  return diagnostics;
}
