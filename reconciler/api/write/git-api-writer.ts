// The Git write path of the App Mesh API: each mutating call is applied in memory to the
// environment at the branch head, validated exactly as a commit would be (schema, kind rules,
// graph, quotas, environment.yaml), and only then committed, authored by the caller, on the
// branch the daemon serves. Writes to one repository run one at a time; a branch that moved in
// between (a local commit, a concurrent push) makes the writer re-apply the call on the new head
// and validate again, a bounded number of times.
import pino, { Logger } from 'pino';
import { Checkout } from '../../source/checkout';
import { GitTreeSource } from '../../load/git-tree-source';
import { ENVIRONMENTS_DIR, loadEnvironment } from '../../load/load-environment';
import { OperatorSelections, validateRevision } from '../../daemon/load-revision';
import { refuse } from './api-failure';
import { ApiCaller, ApiMutation, ApiWriter, ApiWriteResult } from './api-mutation';
import { BranchTarget, branchTarget } from './branch-target';
import { commitMessage } from './commit-message';
import { commitEdits } from './git-commit';
import { planMutation } from './mutation-plan';
import { OverlaySource } from './overlay-source';
import { validationFailure } from './validation-failure';

/** Attempts of one call while the branch keeps moving under it. */
export const DEFAULT_WRITE_ATTEMPTS = 5;

export interface GitApiWriterOptions {
  /** The repository as the daemon reads it (`daemon.source.checkout`), or one opened by openCheckout(). */
  checkout: Checkout;
  branch: string;
  /** What environment.yaml may select and the operator's load limits (the daemon's validate stage). */
  operator?: OperatorSelections;
  /** Environments the operator made read-only: writes to them answer ForbiddenException. */
  isReadOnly?: (environment: string) => boolean;
  maxAttempts?: number;
  /** Called with each new head (the daemon checks its source at once: read-your-writes). */
  afterCommit?: (commit: string) => void | Promise<void>;
  log?: Logger;
}

export function createGitApiWriter(options: GitApiWriterOptions): ApiWriter {
  return new GitApiWriter(options);
}

/** Writes in flight per git directory, so two writers of one repository still take turns. */
const queues = new Map<string, Promise<unknown>>();

class GitApiWriter implements ApiWriter {
  private readonly target: BranchTarget;
  private readonly log: Logger;

  constructor(private readonly options: GitApiWriterOptions) {
    this.target = branchTarget(options.checkout, options.branch);
    this.log = options.log ?? pino({ level: 'silent' });
  }

  write(environment: string, mutation: ApiMutation, caller: ApiCaller, operation: string): Promise<ApiWriteResult> {
    if (this.options.isReadOnly?.(environment)) {
      return Promise.resolve(refuse('ForbiddenException', `environment ${environment} is read-only: the operator allows no writes through the App Mesh API to it. Change it in Git, or ask the operator to allow API writes.`));
    }
    const key = this.target.gitDir;
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.attempt(environment, mutation, caller, operation));
    queues.set(key, run);
    void run.finally(() => {
      if (queues.get(key) === run) queues.delete(key);
    }).catch(() => undefined);
    return run;
  }

  private async attempt(environment: string, mutation: ApiMutation, caller: ApiCaller, operation: string): Promise<ApiWriteResult> {
    const attempts = this.options.maxAttempts ?? DEFAULT_WRITE_ATTEMPTS;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const head = await this.target.head();
      const files = await GitTreeSource.open(this.target.gitDir, head);
      if (!(await files.exists(`${ENVIRONMENTS_DIR}/${environment}`))) {
        return refuse('NotFoundException', `environment ${environment} does not exist on branch ${this.options.branch} (${ENVIRONMENTS_DIR}/${environment}/ is missing at ${head.slice(0, 12)}).`);
      }
      const loaded = await loadEnvironment(files, environment, this.options.operator?.limits);
      const planned = await planMutation(files, loaded, mutation, caller, operation);
      if (!planned.ok) return planned;
      const validated = await validateRevision(new OverlaySource(files, planned.edits), environment, this.options.operator);
      const failure = validated ? validationFailure(validated.diagnostics) : refuse('NotFoundException', `environment ${environment} would be left without files.`);
      if (failure) return failure;
      const document = planned.deleted ?? validated?.loaded.resources.find((resource) => resource.key === planned.key)?.doc;
      const commit = await commitEdits(this.target.gitDir, { parent: head, edits: planned.edits, message: commitMessage(environment, mutation, caller, operation), author: caller });
      const outcome = await this.target.advance(head, commit);
      if (outcome.status === 'advanced') {
        this.log.info({ environment, operation, caller: caller.identity, commit }, 'App Mesh API change committed');
        await this.options.afterCommit?.(commit);
        return { ok: true, commit, document };
      }
      if (outcome.status === 'refused') return refuse('ConflictException', `${operation} could not be committed: ${outcome.reason}`);
      this.log.info({ environment, operation, attempt }, 'the branch moved during an App Mesh API write: applying it again on the new head');
    }
    return refuse('ConflictException', `${operation} could not be committed: the branch ${this.options.branch} moved ${attempts} times while the change was being applied. Retry the call.`);
  }
}
