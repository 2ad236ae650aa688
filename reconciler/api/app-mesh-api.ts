// Assembles the App Mesh API for a repository: the head view it reads, the access keys it checks,
// the Git writer it hands mutations to (reconciler/api/write/) and the clientToken memory; the
// daemon and `meshplane api` mount its routes on their HTTP server.
import { Logger } from 'pino';
import { OperatorSelections } from '../daemon/load-revision';
import { HttpRouter } from '../http/router';
import { ApiOperatorSettings } from '../operator/api-settings';
import { SecretSources } from '../operator/secret-source';
import { Checkout } from '../source/checkout';
import { StateStore } from '../state';
import { AccessKeys } from './access-keys';
import { ApiServices } from './api-operations';
import { apiRoutes } from './api-routes';
import { ClientTokens } from './client-tokens';
import { GitHeadView } from './git-head-view';
import { ApiWriter } from './write/api-mutation';
import { createGitApiWriter } from './write/git-api-writer';

export interface AppMeshApiOptions {
  /** The repository as the daemon reads it, or one opened by openCheckout(). */
  checkout: Checkout;
  branch: string;
  store: StateStore;
  settings: ApiOperatorSettings;
  secrets: SecretSources;
  /** What environment.yaml may select and the load limits (the daemon's validate stage). */
  operator?: OperatorSelections;
  /** Environments served (default: every folder under environments/ at the head). */
  environments?: readonly string[];
  /** Called with each commit an API write made (the daemon checks its source at once). */
  afterCommit?: (commit: string) => void | Promise<void>;
  /** Replaces the Git writer (a server that must never write). */
  writer?: ApiWriter;
  log?: Logger;
}

export interface AppMeshApi {
  services: ApiServices;
  routes: HttpRouter;
  /** Secrets of access keys that could not be read (those keys are refused until they can). */
  problems: string[];
}

/** The ref whose commit is the head: the branch of a repository on disk, the tracking ref of a clone. */
export function headRef(checkout: Checkout, branch: string): string {
  return checkout.kind === 'local' ? `refs/heads/${branch}` : `refs/remotes/origin/${branch}`;
}

export async function createAppMeshApi(options: AppMeshApiOptions): Promise<AppMeshApi> {
  const keys = new AccessKeys(options.settings, options.secrets);
  const problems = await keys.load();
  const view = new GitHeadView({
    gitDir: options.checkout.gitDir,
    ref: headRef(options.checkout, options.branch),
    store: options.store,
    limits: options.operator?.limits,
    environments: options.environments,
  });
  const writer =
    options.writer ??
    createGitApiWriter({
      checkout: options.checkout,
      branch: options.branch,
      operator: options.operator,
      isReadOnly: (environment) => keys.isReadOnly(environment),
      afterCommit: async (commit) => {
        view.noteCommit(commit);
        await options.afterCommit?.(commit);
      },
      log: options.log,
    });
  const services: ApiServices = { view, keys, writer, tokens: new ClientTokens() };
  const warn = options.log ? (message: string, fields?: Record<string, unknown>) => options.log!.warn({ area: 'api', ...fields }, message) : undefined;
  return { services, routes: apiRoutes(services, { warn }), problems };
}
