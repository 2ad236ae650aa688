// §7.3 per-document rules of a VirtualRouter (VR-1 needs the router's routes: graph layer).
import { ResourceDocument } from '../model/resource';
import { Report } from '../validate/rule-context';
import { checkUniquePorts, listenersOf } from './listener';
import { asObject } from './values';

export function checkVirtualRouter(doc: ResourceDocument, report: Report): void {
  checkUniquePorts(listenersOf(asObject(doc.spec)), 'VR-2', report);
}
