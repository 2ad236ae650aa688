// An error answer of the App Mesh API as the AWS SDKs parse restJson1 errors: the type in the
// `x-amzn-ErrorType` header, `{"message": …}` as the body, the status the model gives the type.
// Authentication errors (not in the App Mesh model) use the statuses AWS's front end answers.
import { apiModel } from './api-model';

/** Errors AWS answers before a request reaches the service; they are not modeled shapes. */
const AUTHENTICATION_STATUS: Record<string, number> = {
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  AccessDeniedException: 403,
  SerializationException: 400,
  UnknownOperationException: 404,
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly type: string,
    message: string,
    /** Extra body members (BadRequestException diagnostics). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return apiModel().shapes[this.type]?.error?.httpStatusCode ?? AUTHENTICATION_STATUS[this.type] ?? 500;
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...this.details };
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new ApiError('BadRequestException', message, details);
export const notFound = (message: string) => new ApiError('NotFoundException', message);
