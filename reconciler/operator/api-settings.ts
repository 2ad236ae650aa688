// The `api` section of the operator configuration: the access keys of the App Mesh API
// (docs/appmesh-api.md). Each key has a secret (never in the repository or on argv), the identity
// its commits are authored by, and the environments it may read and write; an environment can be
// made read-only for every key.
import { SecretRef } from './operator-config';

/** In `read`/`write`: every environment the daemon serves. */
export const ALL_ENVIRONMENTS = '*';

export interface ApiKeySettings {
  accessKeyId: string;
  secretAccessKey: SecretRef;
  /** Who the key is: the name in access errors and the Git author (name <email>) of its writes. */
  identity: string;
  name?: string;
  email?: string;
  /** Environments the key may read (Describe*, List*); `*` for all. */
  read: string[];
  /** Environments the key may write (Create*, Update*, Delete*, tags); writing implies reading. */
  write: string[];
}

export interface ApiOperatorSettings {
  keys: ApiKeySettings[];
  /** Environments no key may write through the API (ForbiddenException). */
  readOnly: string[];
}

export function apiSettings(input: Partial<ApiOperatorSettings> = {}): ApiOperatorSettings {
  return {
    keys: (input.keys ?? []).map((key) => ({ ...key, read: key.read ?? [], write: key.write ?? [] })),
    readOnly: input.readOnly ?? [],
  };
}
