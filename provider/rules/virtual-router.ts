// §7.3 per-document rules of a VirtualRouter (VR-1 needs the router's routes: graph layer).
import { ResourceDocument } from '../model/resource';
import { Report } from '../validate/rule-context';
import { checkListenersNotEmpty, checkUniquePorts, listenersOf } from './listener';
import { asObject } from './values';

export function checkVirtualRouter(doc: ResourceDocument, report: Report): void {
  const spec = asObject(doc.spec);
  checkListenersNotEmpty(spec, 'VR-1', report);
  checkUniquePorts(listenersOf(spec), 'VR-2', report);
}
