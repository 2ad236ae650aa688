// Layer 2 of validation: per-document rules a JSON Schema cannot express (resource-model.md
// §1, §3–§10). Runs on documents that passed the schema layer; never throws on user input.
import { Diagnostic } from '../model/diagnostic';
import { Kind } from '../model/kinds';
import { Resource, ResourceDocument } from '../model/resource';
import { checkEnvelope } from '../rules/envelope';
import { checkGatewayRoute } from '../rules/gateway-route';
import { checkNames } from '../rules/names';
import { checkRoute } from '../rules/route';
import { checkVirtualGateway } from '../rules/virtual-gateway';
import { checkVirtualNode } from '../rules/virtual-node';
import { checkVirtualRouter } from '../rules/virtual-router';
import { checkVirtualService } from '../rules/virtual-service';
import { Report, reporterFor, RuleContext } from './rule-context';

type KindRules = (doc: ResourceDocument, report: Report, ctx: RuleContext) => void;

// A Mesh spec has only enums, which the schema layer checks; its graph rules (MESH-3) are cross-document.
const KIND_RULES: Record<Kind, KindRules | undefined> = {
  Mesh: undefined,
  VirtualService: checkVirtualService,
  VirtualNode: checkVirtualNode,
  VirtualRouter: checkVirtualRouter,
  Route: checkRoute,
  VirtualGateway: checkVirtualGateway,
  GatewayRoute: checkGatewayRoute,
};

export function validateKindRules(resource: Resource, ctx: RuleContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = reporterFor(resource, diagnostics);
  checkEnvelope(resource.doc, report);
  checkNames(resource, report, ctx);
  KIND_RULES[resource.kind]?.(resource.doc, report, ctx);
  return diagnostics;
}
