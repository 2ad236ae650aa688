// A change that would make the environment invalid is refused as the daemon would refuse the
// commit: BadRequestException with every error (rule, message, file, line, pointer), or
// LimitExceededException when only App Mesh's quotas are exceeded, as App Mesh answered.
import { Diagnostic } from '../../../provider/model/diagnostic';
import { describeFindings } from '../../daemon/load-revision';
import { ApiWriteFailure, refuse } from './api-failure';

/** The rules that state a service quota (provider/validate/graph/quotas.ts). */
const QUOTA_RULES = new Set(['MESH-6', 'QUOTA-13', 'VG-8', 'VR-4', 'GR-15', 'VN-BE-2']);

export function validationFailure(diagnostics: readonly Diagnostic[]): ApiWriteFailure | undefined {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return undefined;
  const errorType = errors.every((d) => QUOTA_RULES.has(d.code)) ? 'LimitExceededException' : 'BadRequestException';
  return refuse(
    errorType,
    `the change fails validation, nothing was committed: ${describeFindings(errors)}`,
    errors.map((d) => ({ rule: d.code, message: d.message, file: d.file, line: d.line, pointer: d.pointer })),
  );
}
