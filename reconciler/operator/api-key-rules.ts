// What the schema cannot say about the `api` section: an access key id is declared once, and a
// key grants something (a key that may read nothing could only ever be refused).
import { joinPointer } from '../../provider/model/diagnostic';
import { ApiOperatorSettings } from './api-settings';

export interface RuleFinding {
  pointer: string;
  message: string;
}

export function apiKeyFindings(api: Partial<ApiOperatorSettings> | undefined): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Map<string, number>();
  (api?.keys ?? []).forEach((key, index) => {
    const pointer = joinPointer('/api/keys', index);
    const first = seen.get(key.accessKeyId);
    if (first !== undefined) findings.push({ pointer: joinPointer(pointer, 'accessKeyId'), message: `access key ${key.accessKeyId} is declared twice (also api.keys[${first}]); each key id names one secret and identity.` });
    else seen.set(key.accessKeyId, index);
    if ((key.read ?? []).length === 0 && (key.write ?? []).length === 0) {
      findings.push({ pointer, message: `access key ${key.accessKeyId} (${key.identity}) may read and write no environment; list environments under read (Describe, List) or write (and read), or * for all.` });
    }
  });
  return findings;
}
