// The reporters the operator declared (meshplane.yaml `reporters`), made once each by name;
// environment.yaml only selects among those names. Base URLs and tokens come only from the operator.
import type { Logger } from 'pino';
import { GIT_NOTES_REPORTER, ReporterDeclaration, SecretRef } from '../operator/operator-config';
import { GitHubReporter, GITHUB_API } from './github-reporter';
import { GitLabReporter, GITLAB_URL } from './gitlab-reporter';
import { GitNotesReporter } from './git-notes-reporter';
import { StatusReporter } from './reporter';
import { RetryOptions } from './retry';

export interface ReporterContext {
  /** The repository the notes go to (the source's git directory). */
  gitDir: string;
  /** Remote to push notes to, when the source is a pushable remote. */
  pushNotesTo?: string;
  /** Reads a declared token when a status is sent (an operator secret source). */
  token(ref: SecretRef): () => Promise<string>;
  log?: Logger;
  retry?: RetryOptions;
}

export class DeclaredReporters {
  private readonly made = new Map<string, StatusReporter>();

  constructor(
    private readonly declarations: Readonly<Record<string, ReporterDeclaration>>,
    private readonly context: ReporterContext,
  ) {}

  /** Every name an environment may select: `git-notes` and the declared ones. */
  names(): string[] {
    return [GIT_NOTES_REPORTER, ...Object.keys(this.declarations)];
  }

  /** The reporters of these names; names nobody declared are skipped (validation reports them, ENV-REPORTER). */
  select(names: readonly string[]): StatusReporter[] {
    return [...new Set(names)].flatMap((name) => {
      const reporter = this.reporter(name);
      return reporter ? [reporter] : [];
    });
  }

  private reporter(name: string): StatusReporter | undefined {
    let reporter = this.made.get(name);
    if (reporter) return reporter;
    const { context } = this;
    const declaration = Object.prototype.hasOwnProperty.call(this.declarations, name) ? this.declarations[name] : undefined;
    if (name === GIT_NOTES_REPORTER) reporter = new GitNotesReporter({ gitDir: context.gitDir, pushTo: context.pushNotesTo, log: context.log });
    else if (declaration?.kind === 'gitlab') {
      reporter = new GitLabReporter({ project: String(declaration.project), baseUrl: declaration.baseUrl ?? GITLAB_URL, token: context.token(declaration.token), retry: context.retry });
    } else if (declaration) {
      const baseUrl = (declaration.baseUrl ?? GITHUB_API).replace(/\/+$/, '');
      reporter = new GitHubReporter({ flavour: declaration.kind, owner: declaration.owner, repo: declaration.repo, baseUrl, token: context.token(declaration.token), retry: context.retry });
    }
    if (reporter) this.made.set(name, reporter);
    return reporter;
  }
}
