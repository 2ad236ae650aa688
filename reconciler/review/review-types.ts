// The shapes of a pull-request review: per environment, the head's validation findings, the
// mesh plan from base to head, how each proxy's Envoy configuration changes, and Terraform.
import { Diagnostic } from '../../provider/model/diagnostic';
import { ProxyIdentity } from '../../provider/envoy/snapshot';
import { TerraformPlanSummary } from '../terraform/plan-summary';
import { Plan } from '../plan/plan-types';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One fact of an entry that differs; `before` absent = new, `after` absent = gone. */
export interface FactChange {
  field: string;
  before?: string;
  after?: string;
}

/** A route, a filter chain, or the resource itself. */
export interface EntryDiff {
  label: string;
  change: ChangeKind;
  /** What the entry does (after the change; before it for removed entries). */
  headline: string;
  /** For changed entries: the facts that differ. */
  facts: FactChange[];
}

export interface ResourceDiff {
  /** Last segment of the type URL: Listener, RouteConfiguration, Cluster, ClusterLoadAssignment, Secret. */
  type: string;
  name: string;
  change: ChangeKind;
  entries: EntryDiff[];
}

export interface ProxyDiff {
  proxy: ProxyIdentity;
  /** Envoy node id, short form: `mesh/apps/virtualNode/serviceA`. */
  id: string;
  /** added: the proxy is new in head; removed: gone from head (its Envoy gets nothing any more). */
  change: ChangeKind;
  resources: ResourceDiff[];
}

export interface TerraformReview {
  summary?: TerraformPlanSummary;
  /** Synthesis or a Terraform step failed (the review still shows everything else). */
  error?: string;
}

export interface EnvironmentReview {
  environment: string;
  inBase: boolean;
  inHead: boolean;
  /** Validation of the head: loader, schema, kind rules and mesh graph findings. */
  diagnostics: Diagnostic[];
  valid: boolean;
  plan: Plan;
  proxies: ProxyDiff[];
  /** Why the Envoy diff could not be made (e.g. the head does not translate). */
  envoyError?: string;
  /** Present when the environment enables Terraform. */
  terraform?: TerraformReview;
}

export interface ReviewSide {
  ref: string;
  commit: string;
}

export interface Review {
  base: ReviewSide;
  head: ReviewSide;
  environments: EnvironmentReview[];
}
