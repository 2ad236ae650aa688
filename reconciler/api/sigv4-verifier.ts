// Verifies AWS Signature Version 4 as AWS's front end does: the Authorization header names an
// access key, a credential scope (date/region/service) and the signed headers; the signature is
// recomputed with @smithy/signature-v4 (the signer the AWS SDK for JavaScript uses) over the
// request as received and compared in constant time. Refusals carry AWS's error types and texts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from './api-error';

/** How far x-amz-date may be from the server's clock, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
export const SIGNING_SERVICE = 'appmesh';

export interface SignedRequest {
  method: string;
  /** The path as sent on the wire (percent-encoded), without the query. */
  path: string;
  /** The query string as sent, without `?`. */
  query: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface VerifiedSignature {
  accessKeyId: string;
  /** The region of the credential scope: the region the client called. */
  region: string;
}

/** The secret of an access key; undefined when the key is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

const AUTHORIZATION = /^AWS4-HMAC-SHA256 (.*)$/;

export async function verifySignature(request: SignedRequest, secretOf: SecretLookup, now = new Date()): Promise<VerifiedSignature> {
  const header = single(request.headers.authorization);
  if (header === undefined) {
    throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const match = AUTHORIZATION.exec(header);
  if (!match) throw new ApiError('IncompleteSignatureException', `Authorization header requires the AWS4-HMAC-SHA256 algorithm with 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${header.split(' ')[0]}`);
  const parts = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const required of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!parts.get(required)) throw new ApiError('IncompleteSignatureException', `Authorization header requires '${required}' parameter. Authorization=${header.split(' ')[0]}`);
  }
  const [accessKeyId, shortDate, region, service, terminator, ...rest] = parts.get('Credential')!.split('/');
  if (!accessKeyId || !shortDate || !region || !service || terminator !== 'aws4_request' || rest.length > 0) {
    throw new ApiError('IncompleteSignatureException', `Credential is not of the form <access key>/<yyyymmdd>/<region>/${SIGNING_SERVICE}/aws4_request: ${parts.get('Credential')}`);
  }
  const amzDate = single(request.headers['x-amz-date']);
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (!signingDate) throw new ApiError('IncompleteSignatureException', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header in the form yyyyMMddTHHmmssZ.`);
  const secret = secretOf(accessKeyId);
  if (secret === undefined) throw new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (service !== SIGNING_SERVICE) throw new ApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${SIGNING_SERVICE}'.`);
  if (shortDate !== amzDate!.slice(0, 8)) throw new ApiError('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${shortDate}' != '${amzDate!.slice(0, 8)}', from '${amzDate}'.`);
  const skew = signingDate.getTime() - now.getTime();
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    const bound = new Date(now.getTime() + Math.sign(skew) * MAX_CLOCK_SKEW_MS);
    throw new ApiError(
      'InvalidSignatureException',
      skew < 0
        ? `Signature expired: ${amzDate} is now earlier than ${amzFormat(bound)} (${amzFormat(now)} - 15 min.)`
        : `Signature not yet current: ${amzDate} is still later than ${amzFormat(bound)} (${amzFormat(now)} + 15 min.)`,
    );
  }
  const contentHash = single(request.headers['x-amz-content-sha256']);
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw new ApiError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const signedHeaders = parts.get('SignedHeaders')!.split(';');
  if (!signedHeaders.includes('host')) throw new ApiError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new ApiError('InvalidSignatureException', `The request signature we calculated does not match the signature you provided: the signed header ${name} is missing from the request.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey: secret }, region, service, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path: request.path, query: queryObject(request.query), headers, body: request.body },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)$/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
  const given = parts.get('Signature')!;
  if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
    throw new ApiError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId, region };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The decoded query as the signer takes it (it encodes keys and values itself). */
function queryObject(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function amzFormat(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
