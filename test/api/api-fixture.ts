// An App Mesh API server over a real git repository for the API tests: the `apps` environment
// committed, access keys of the operator configuration, an @aws-sdk/client-app-mesh client per key.
import { AppMesh, AppMeshClientConfig } from '@aws-sdk/client-app-mesh';
import { createAppMeshApi, AppMeshApi } from '../../reconciler/api/app-mesh-api';
import { startHttpServer } from '../../reconciler/http/http-server';
import { ApiKeySettings } from '../../reconciler/operator/api-settings';
import { SecretSources } from '../../reconciler/operator/secret-source';
import { LocalRepository } from '../../reconciler/source/local-repository';
import { FileStateStore } from '../../reconciler/state';
import { ApiWriter } from '../../reconciler/api/write/api-mutation';
import { Cleanups } from '../helpers/cleanups';
import { GitRepo } from '../helpers/temp-repo';

export const REGION = 'us-west-2';
export const ACCOUNT = '111122223333';

/** Keys every fixture declares: a writer of every environment, a reader of apps, and one whose secret is unset. */
export const KEYS = {
  admin: { accessKeyId: 'AKIAMESHPLANEADMIN01', secret: 'admin-secret-0123456789' },
  reader: { accessKeyId: 'AKIAMESHPLANEREADER1', secret: 'reader-secret-0123456789' },
} as const;

export interface ApiFixture {
  url: string;
  repo: GitRepo;
  api: AppMeshApi;
  stateDir: string;
  client(key?: { accessKeyId: string; secret: string }, options?: AppMeshClientConfig): AppMesh;
}

export interface FixtureOptions {
  readOnly?: string[];
  writer?: ApiWriter;
  extraKeys?: ApiKeySettings[];
  variables?: Record<string, string>;
}

export async function startApiFixture(cleanups: Cleanups, options: FixtureOptions = {}): Promise<ApiFixture> {
  const repo = cleanups.gitRepo();
  const stateDir = cleanups.tempDir('meshplane-api-state-');
  const api = await createAppMeshApi({
    checkout: await LocalRepository.open(repo.dir, 'main'),
    branch: 'main',
    store: new FileStateStore(stateDir),
    settings: {
      keys: [
        { accessKeyId: KEYS.admin.accessKeyId, secretAccessKey: { env: 'API_ADMIN_SECRET' }, identity: 'admin', name: 'Ada Admin', email: 'ada@example.com', read: [], write: ['*'] },
        { accessKeyId: KEYS.reader.accessKeyId, secretAccessKey: { env: 'API_READER_SECRET' }, identity: 'reader', read: ['apps'], write: [] },
        ...(options.extraKeys ?? []),
      ],
      readOnly: options.readOnly ?? [],
    },
    secrets: new SecretSources({ variables: { API_ADMIN_SECRET: KEYS.admin.secret, API_READER_SECRET: KEYS.reader.secret, ...options.variables } }),
    writer: options.writer,
  });
  const server = await startHttpServer(api.routes);
  cleanups.push(() => server.close());
  return {
    url: server.url,
    repo,
    api,
    stateDir,
    client: (key = KEYS.admin, clientOptions: AppMeshClientConfig = {}) => {
      const client = new AppMesh({
        endpoint: server.url,
        region: REGION,
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secret },
        maxAttempts: 2,
        ...clientOptions,
      });
      cleanups.push(() => client.destroy());
      return client;
    },
  };
}

/** The error an SDK call failed with (its name is the x-amzn-ErrorType), or a failure if it succeeded. */
export async function sdkError(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; $fault: string }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number }; $fault: string };
  }
  throw new Error('the call succeeded; it was expected to fail');
}
