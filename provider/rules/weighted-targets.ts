// §8.7 per-document checks of a route's weighted targets (RT-T-2, RT-T-5); existence and
// listener ports of the target nodes are graph rules.
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { asArray, asNumber, asObject, asString } from './values';

export function checkWeightedTargets(targets: unknown, pointer: string, report: Report): void {
  const list = asArray(targets);
  if (list.length === 0) return;
  let sum = 0;
  const seen = new Map<string, number>();
  list.forEach((value, index) => {
    const target = asObject(value);
    sum += asNumber(target?.weight) ?? 0;
    const node = asString(target?.virtualNode);
    if (node === undefined) return;
    const port = asNumber(target?.port);
    const key = `${node}:${port ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      report(joinPointer(pointer, index), 'RT-T-5', 'warning',
        `target ${node}${port !== undefined ? `:${port}` : ''} is already target ${first}; Envoy sends them the sum of both weights, so merge the two into one entry and add their weights.`);
    } else seen.set(key, index);
  });
  // RT-T-2 / A-1: weights are relative, but App Mesh caps the total at 100.
  if (sum === 0) {
    report(pointer, 'RT-T-2', 'error', 'all target weights are 0, so no traffic can be sent; give at least one target a positive weight (weights should add up to 100).');
  } else if (sum > 100) {
    report(pointer, 'RT-T-2', 'error', `target weights add up to ${sum}, above the maximum of 100; scale them so they add up to 100.`);
  } else if (sum !== 100) {
    report(pointer, 'RT-T-2', 'warning', `target weights add up to ${sum}; they are relative, but App Mesh expects them to add up to 100. Scale them to 100 to make the split explicit.`);
  }
}
