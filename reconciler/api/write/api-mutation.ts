// What a mutating App Mesh API call asks of the repository, and what the writer answers: the
// contract between the HTTP API (reconciler/api/) and the Git write path (reconciler/api/write/).
// The API turns a request into an ApiMutation; the writer validates it against the environment
// as a commit would be validated, commits it, and answers the committed document or an App Mesh
// error type the API sends as `x-amzn-ErrorType`.

export type ApiKind = 'Mesh' | 'VirtualService' | 'VirtualNode' | 'VirtualRouter' | 'Route' | 'VirtualGateway' | 'GatewayRoute';

export interface ApiResourceIdentity {
  kind: ApiKind;
  meshName: string;
  /** The resource's own name (the mesh name again for a Mesh). */
  name: string;
  /** Route only. */
  virtualRouterName?: string;
  /** GatewayRoute only. */
  virtualGatewayName?: string;
}

export interface ApiTag {
  key: string;
  value: string;
}

export type ApiMutation =
  | { op: 'create'; target: ApiResourceIdentity; spec: unknown; tags?: ApiTag[]; meshOwner?: string }
  | { op: 'update'; target: ApiResourceIdentity; spec: unknown }
  | { op: 'delete'; target: ApiResourceIdentity }
  | { op: 'tag'; target: ApiResourceIdentity; tags: ApiTag[] }
  | { op: 'untag'; target: ApiResourceIdentity; tagKeys: string[] };

/** Who called: the identity the access key maps to, and the Git author it becomes. */
export interface ApiCaller {
  identity: string;
  name: string;
  email: string;
}

export type ApiWriteErrorType =
  | 'BadRequestException'
  | 'ConflictException'
  | 'NotFoundException'
  | 'ResourceInUseException'
  | 'ForbiddenException'
  | 'LimitExceededException';

export interface ApiWriteDiagnostic {
  rule: string;
  message: string;
  file?: string;
  line?: number;
  pointer?: string;
}

export type ApiWriteResult =
  /** `document`: the resource document as committed (the deleted one for a delete). */
  | { ok: true; commit: string; document: unknown }
  | { ok: false; errorType: ApiWriteErrorType; message: string; diagnostics?: ApiWriteDiagnostic[] };

export interface ApiWriter {
  /** `operation`: the API operation name (`CreateVirtualNode`), used in the commit message. */
  write(environment: string, mutation: ApiMutation, caller: ApiCaller, operation: string): Promise<ApiWriteResult>;
}
