// Which environment a request is about: the one whose environment.yaml region is the region the
// request was signed for (and, when the request names an account — an ARN's, or meshOwner — whose
// account is that account), among those the access key may read. When a region still maps to
// several environments, the one holding the named mesh is meant.
import { ApiKeySettings } from '../operator/api-settings';
import { AccessKeys } from './access-keys';
import { ApiError, badRequest } from './api-error';
import { EnvironmentSnapshot, GitHeadView } from './git-head-view';

export interface Addressed {
  region: string;
  account?: string;
  meshName?: string;
  operation: string;
}

export async function resolveEnvironment(view: GitHeadView, keys: AccessKeys, key: ApiKeySettings, where: Addressed): Promise<EnvironmentSnapshot> {
  const readable = (await view.environments()).filter((environment) => keys.canRead(key, environment));
  const snapshots = (await Promise.all(readable.map((environment) => view.snapshot(environment)))).filter((s): s is EnvironmentSnapshot => s !== undefined);
  let candidates = snapshots.filter((s) => s.config.region === where.region);
  if (where.account !== undefined && candidates.some((s) => s.config.account === where.account)) candidates = candidates.filter((s) => s.config.account === where.account);
  if (candidates.length > 1 && where.meshName !== undefined) {
    const holding = candidates.filter((s) => s.byKey.has(`Mesh/${where.meshName}`));
    if (holding.length > 0) candidates = holding;
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    const served = snapshots.map((s) => `${s.environment} (${s.config.region}, account ${s.config.account})`).join(', ');
    throw new ApiError(
      'AccessDeniedException',
      `User: ${key.identity} is not authorized to perform: appmesh:${where.operation} in region ${where.region}: ` +
        (served ? `the environments it may read are ${served}; call with --region of one of them (environment.yaml region).` : 'it may read no environment this server serves (operator configuration api.keys read/write).'),
    );
  }
  throw badRequest(
    `region ${where.region} is the region of several environments this key may read (${candidates.map((s) => s.environment).join(', ')}): give them different accounts or regions in environment.yaml (then pass meshOwner), or use one access key per environment.`,
  );
}
