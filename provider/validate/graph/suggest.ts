// "Did you mean …?" for unresolved references, bounded so that a mesh with thousands of
// resources does not pay an edit distance against every name for every broken reference.
import { didYouMean as closestMatch } from '../did-you-mean';
import { Resource } from '../../model/resource';

const MAX_CANDIDATES = 500;

export function didYouMean(name: string, candidates: readonly Resource[]): string {
  if (candidates.length === 0 || candidates.length > MAX_CANDIDATES) return '';
  const match = closestMatch(name, candidates.map((r) => r.identity.name));
  return match !== undefined ? ` Did you mean "${match}"?` : '';
}
