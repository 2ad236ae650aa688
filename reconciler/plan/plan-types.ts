// The shapes a plan is made of: what changes, how, in which order, and which proxies it reaches.
import { Diagnostic } from '../../provider/model/diagnostic';
import { Identity } from '../../provider/model/identity';
import { ResourceDocument, SourceRef } from '../../provider/model/resource';
import { DiffEntry } from './diff';

/** What the planner compares: a loaded resource (desired) or an applied one (state). */
export interface PlanResource {
  identity: Identity;
  key: string;
  doc: ResourceDocument;
  /** Where the desired document lives (for diagnostics); absent for applied resources. */
  source?: SourceRef;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'replace';

export interface ResourceChange {
  action: ChangeAction;
  identity: Identity;
  key: string;
  /** For replace: the identity being replaced (renamed or moved from). */
  from?: Identity;
  diff: DiffEntry[];
  /** The document before (update, delete, replace) and after (create, update, replace). */
  before?: PlanResource;
  after?: PlanResource;
}

/** One App Mesh call in execution order; a replace is a create step and a later delete step. */
export interface PlanStep {
  op: 'create' | 'update' | 'delete';
  key: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  replace: number;
  /** Changed environment.yaml settings (present only when there are some). */
  settings?: number;
}

/** What a changed setting changes: proxies' configuration, ARNs and node-id scope, or what validation accepts. */
export type SettingEffect = 'translation' | 'identity' | 'validation';

/** One changed environment.yaml setting (path like `defaultRetryPolicy`, `discovery.instances[0].address`). */
export interface SettingChange extends DiffEntry {
  effect: SettingEffect;
}

export interface ProxyRef {
  kind: 'VirtualNode' | 'VirtualGateway';
  meshName: string;
  name: string;
  /** The Envoy identity, short form (`mesh/apps/virtualNode/serviceA`). */
  id: string;
}

export interface Plan {
  environment: string;
  /** Changes in execution order (creates and updates parent-first, then deletes child-first). */
  changes: ResourceChange[];
  /** environment.yaml settings that change validation, translation or serving (their proxies are in affectedProxies). */
  settings: SettingChange[];
  steps: PlanStep[];
  summary: PlanSummary;
  affectedProxies: ProxyRef[];
  /** Plan errors (deletions blocked by references left in the desired state) and warnings. */
  diagnostics: Diagnostic[];
}
