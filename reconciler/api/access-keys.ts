// The access keys of the operator configuration's `api` section: the secret a signature is
// checked against, the environments a key may read and write, and the caller its writes are
// authored by. Secrets are read at start and re-read when their file changes (SecretSource);
// a request never waits on a read.
import { ALL_ENVIRONMENTS, ApiKeySettings, ApiOperatorSettings } from '../operator/api-settings';
import { SecretSources } from '../operator/secret-source';
import { ApiCaller } from './write/api-mutation';

export class AccessKeys {
  private readonly byId: Map<string, ApiKeySettings>;
  private readonly readOnly: Set<string>;

  constructor(
    settings: ApiOperatorSettings,
    private readonly secrets: SecretSources,
  ) {
    this.byId = new Map(settings.keys.map((key) => [key.accessKeyId, key]));
    this.readOnly = new Set(settings.readOnly);
  }

  /** Reads every key's secret once; the problems name the key and the secret. */
  load(): Promise<string[]> {
    return this.secrets.load([...this.byId.values()].map((key) => [`api.keys ${key.accessKeyId} secretAccessKey`, key.secretAccessKey] as const));
  }

  /** The secret of a known key whose secret could be read; undefined otherwise. */
  readonly secretOf = (accessKeyId: string): string | undefined => {
    const key = this.byId.get(accessKeyId);
    return key ? this.secrets.of(key.secretAccessKey).current() : undefined;
  };

  key(accessKeyId: string): ApiKeySettings | undefined {
    return this.byId.get(accessKeyId);
  }

  canRead(key: ApiKeySettings, environment: string): boolean {
    return grants(key.read, environment) || grants(key.write, environment);
  }

  canWrite(key: ApiKeySettings, environment: string): boolean {
    return grants(key.write, environment);
  }

  isReadOnly(environment: string): boolean {
    return this.readOnly.has(environment);
  }

  caller(key: ApiKeySettings): ApiCaller {
    return { identity: key.identity, name: key.name ?? key.identity, email: key.email ?? `${key.identity.replace(/[^A-Za-z0-9._-]+/g, '-')}@meshplane.invalid` };
  }
}

function grants(list: readonly string[], environment: string): boolean {
  return list.includes(ALL_ENVIRONMENTS) || list.includes(environment);
}
