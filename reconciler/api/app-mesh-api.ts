// Assembles the App Mesh API for a repository: the head view it reads, the access keys it checks,
// the writer it hands mutations to and the clientToken memory; the daemon and `meshplane api`
// mount its routes on their HTTP server.
import { HttpRouter } from '../http/router';
import { LoadLimits } from '../load/load-environment';
import { ApiOperatorSettings } from '../operator/api-settings';
import { SecretSources } from '../operator/secret-source';
import { StateStore } from '../state';
import { AccessKeys } from './access-keys';
import { ApiServices } from './api-operations';
import { apiRoutes, ApiRouteOptions } from './api-routes';
import { ClientTokens } from './client-tokens';
import { GitHeadView } from './git-head-view';
import { ApiWriter } from './write/api-mutation';

export interface AppMeshApiOptions extends ApiRouteOptions {
  /** The git directory holding the tracked branch. */
  gitDir: string;
  /** The ref whose commit is the head (refs/heads/<branch>, or a clone's tracking ref). */
  ref: string;
  store: StateStore;
  settings: ApiOperatorSettings;
  secrets: SecretSources;
  writer?: ApiWriter;
  limits?: LoadLimits;
  environments?: readonly string[];
}

export interface AppMeshApi {
  services: ApiServices;
  routes: HttpRouter;
  /** Secrets of access keys that could not be read (those keys are refused until they can). */
  problems: string[];
}

export async function createAppMeshApi(options: AppMeshApiOptions): Promise<AppMeshApi> {
  const keys = new AccessKeys(options.settings, options.secrets);
  const problems = await keys.load();
  const view = new GitHeadView({ gitDir: options.gitDir, ref: options.ref, store: options.store, limits: options.limits, environments: options.environments });
  const services: ApiServices = { view, keys, writer: options.writer, tokens: new ClientTokens() };
  return { services, routes: apiRoutes(services, options), problems };
}
