// A refused API write: the App Mesh error type the API answers with, and why.
import { ApiWriteDiagnostic, ApiWriteErrorType } from './api-mutation';

export interface ApiWriteFailure {
  ok: false;
  errorType: ApiWriteErrorType;
  message: string;
  diagnostics?: ApiWriteDiagnostic[];
}

export function refuse(errorType: ApiWriteErrorType, message: string, diagnostics?: ApiWriteDiagnostic[]): ApiWriteFailure {
  return diagnostics ? { ok: false, errorType, message, diagnostics } : { ok: false, errorType, message };
}
