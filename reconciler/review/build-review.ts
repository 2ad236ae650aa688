// The review of a pull request, per environment: load both revisions from Git without checking
// them out, validate the head, plan base → head, diff every proxy's Envoy configuration, and plan
// Terraform for environments that enable it. Collects findings; throws only for bad refs or names.
import { Diagnostic, hasErrors } from '../../provider/model/diagnostic';
import { validateEnvironment } from '../../provider/validate/validate';
import { GitTreeSource } from '../load/git-tree-source';
import { ENVIRONMENTS_DIR, listEnvironments, loadEnvironment, LoadedEnvironment } from '../load/load-environment';
import { computePlan } from '../plan/planner';
import { InfrastructureOptions, planInfrastructure } from '../terraform/infrastructure';
import { prepareEnvironment } from '../terraform/synth-environments';
import { diffProxies } from './envoy-diff';
import { noEnvironments, unknownEnvironment } from './errors';
import { EnvironmentReview, Review, TerraformReview } from './review-types';

/** Under the state directory: where review plans Terraform stacks, apart from the daemon's own. */
export const TERRAFORM_REVIEW_DIR = 'terraform-review';

export interface ReviewOptions {
  /** The Git repository holding environments/. */
  repoDir: string;
  base: string;
  head: string;
  /** Environments to review; default: every environment in base or head. */
  environments?: readonly string[];
  /** How Terraform runs for environments with terraform.enabled (stacks go under workRoot). */
  terraform: InfrastructureOptions;
}

export async function buildReview(options: ReviewOptions): Promise<Review> {
  const base = await GitTreeSource.open(options.repoDir, options.base);
  const head = await GitTreeSource.open(options.repoDir, options.head);
  const existing = [...new Set([...(await listEnvironments(base)), ...(await listEnvironments(head))])].sort();
  if (existing.length === 0) throw noEnvironments(options.base, options.head);
  const names = options.environments && options.environments.length > 0 ? options.environments : existing;
  for (const name of names) if (!existing.includes(name)) throw unknownEnvironment(name, options.base, options.head, existing);
  const environments: EnvironmentReview[] = [];
  for (const name of names) environments.push(await reviewEnvironment(base, head, name, options.terraform));
  return { base: { ref: options.base, commit: base.commit }, head: { ref: options.head, commit: head.commit }, environments };
}

async function loadIfPresent(source: GitTreeSource, name: string): Promise<LoadedEnvironment | undefined> {
  return (await source.exists(`${ENVIRONMENTS_DIR}/${name}`)) ? loadEnvironment(source, name) : undefined;
}

async function reviewEnvironment(base: GitTreeSource, head: GitTreeSource, name: string, terraform: InfrastructureOptions): Promise<EnvironmentReview> {
  const before = await loadIfPresent(base, name);
  const after = await loadIfPresent(head, name);
  const diagnostics: Diagnostic[] = after ? validateEnvironment(after).diagnostics : [];
  const valid = !hasErrors(diagnostics);
  const config = (after ?? before)!.config;
  // Planned even when the head is invalid: a blocked deletion is part of what the reviewer must see.
  const plan = computePlan(after?.resources ?? [], before?.resources ?? [], { environment: name, account: config.account });
  const review: EnvironmentReview = { environment: name, inBase: Boolean(before), inHead: Boolean(after), diagnostics, valid, plan, proxies: [] };
  if (!valid) {
    review.envoyError = 'not computed: the head has validation errors (fix them to see how each proxy changes).';
  } else {
    try {
      review.proxies = diffProxies(before && { config: before.config, resources: before.resources }, after && { config: after.config, resources: after.resources });
    } catch (error) {
      review.envoyError = `the Envoy translation failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (after) review.terraform = await planTerraform(head, name, terraform);
  return review;
}

async function planTerraform(head: GitTreeSource, name: string, options: InfrastructureOptions): Promise<TerraformReview | undefined> {
  try {
    const plan = await planInfrastructure(await prepareEnvironment(head, name), options);
    if (!plan) return undefined;
    const { planFile: _planFile, ...summary } = plan.summary;
    return { summary };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
