// The resource an App Mesh ARN names (TagResource, UntagResource, ListTagsForResource), with the
// region and account that select its environment: the inverse of provider/model/identity arnOf.
import { Identity } from '../../provider/model/identity';
import { KINDS, KIND_INFO } from '../../provider/model/kinds';
import { badRequest } from './api-error';

export interface ParsedArn {
  region: string;
  account: string;
  identity: Identity;
}

const ARN = /^arn:[a-z-]+:appmesh:([a-z0-9-]+):(\d{12}):mesh\/([^/]+)(?:\/([A-Za-z]+)\/([^/]+)(?:\/([A-Za-z]+)\/([^/]+))?)?$/;

export function parseResourceArn(arn: string): ParsedArn {
  const m = ARN.exec(arn);
  const invalid = () => badRequest(`${JSON.stringify(arn)} is not the ARN of an App Mesh resource: arn:aws:appmesh:<region>:<account>:mesh/<mesh>[/virtualNode/<name> | /virtualRouter/<router>/route/<name> | …].`);
  if (!m) throw invalid();
  const [, region, account, meshName, firstApi, firstName, childApi, childName] = m;
  if (firstApi === undefined) return { region, account, identity: { kind: 'Mesh', meshName, name: meshName } };
  const first = KINDS.find((kind) => kind !== 'Mesh' && KIND_INFO[kind].apiName === firstApi);
  if (!first) throw invalid();
  if (childApi === undefined) {
    if (KIND_INFO[first].parentKind) throw invalid();
    return { region, account, identity: { kind: first, meshName, name: firstName } };
  }
  const child = KINDS.find((kind) => KIND_INFO[kind].apiName === childApi && KIND_INFO[kind].parentKind === first);
  if (!child) throw invalid();
  return { region, account, identity: { kind: child, meshName, name: childName, parentName: firstName } };
}
