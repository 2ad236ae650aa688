// §5.4 per-document rules of a VirtualService.
import { ResourceDocument } from '../model/resource';
import { Report } from '../validate/rule-context';
import { asString, objectAt } from './values';

export function checkVirtualService(doc: ResourceDocument, report: Report): void {
  const name = asString(doc.virtualServiceName);
  if (name !== undefined && name !== '' && !name.includes('.')) {
    report('/virtualServiceName', 'VS-5', 'warning',
      `"${name}" is not fully qualified; applications resolve this name before Envoy routes it, and unqualified names miss the filter chain. Use the FQDN clients dial, e.g. "${name}.apps.local".`);
  }
  if (objectAt(doc.spec, 'provider', 'virtualNode')) {
    report('/spec/provider/virtualNode', 'VS-4', 'warning',
      'a virtual-node provider cannot carry a retry policy (only the hidden default one applies); for retries and timeouts per request, put a virtual router with routes in front of the node.');
  }
}
