// §5.4 per-document rules of a VirtualService. VS-4 (a node provider has only the default retry
// policy) is documentation, not a finding: a node provider is the most common pattern there is.
import { ResourceDocument } from '../model/resource';
import { Report } from '../validate/rule-context';
import { asString } from './values';

export function checkVirtualService(doc: ResourceDocument, report: Report): void {
  const name = asString(doc.virtualServiceName);
  if (name !== undefined && name !== '' && !name.includes('.')) {
    report('/virtualServiceName', 'VS-5', 'warning',
      `"${name}" is not fully qualified; applications resolve this name before Envoy routes it, and unqualified names miss the filter chain. Use the FQDN clients dial, e.g. "${name}.apps.local".`);
  }
}
