// Layer 3 of validation: rules across documents (resource-model.md §11, §13 and the
// cross-document parts of §1–§10). Runs on the whole model, including documents other layers
// rejected, so every rule reads values defensively. Linear in the number of resources.
import { Diagnostic } from '../model/diagnostic';
import { MeshModel } from '../model/mesh-model';
import { checkBackends } from './graph/backends';
import { checkGatewayRouteBindings } from './graph/gateway-route-bindings';
import { GraphIndex } from './graph/graph-index';
import { checkNameClashes } from './graph/name-clashes';
import { checkQuotas } from './graph/quotas';
import { checkReferences } from './graph/references';
import { checkRouteBindings } from './graph/route-bindings';
import { checkTlsCoherence } from './graph/tls-coherence';
import { RuleContext } from './rule-context';

export function validateGraph(model: MeshModel, ctx: RuleContext): Diagnostic[] {
  const index = new GraphIndex(model);
  const diagnostics: Diagnostic[] = [];
  checkReferences(index, diagnostics);
  checkRouteBindings(index, diagnostics);
  checkGatewayRouteBindings(index, diagnostics);
  checkTlsCoherence(index, diagnostics);
  checkBackends(index, diagnostics);
  checkNameClashes(index, diagnostics);
  checkQuotas(index, ctx, diagnostics);
  return diagnostics;
}
