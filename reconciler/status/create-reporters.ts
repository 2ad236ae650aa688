// The reporters an environment's status settings ask for, with their tokens from the environment.
import type { Logger } from 'pino';
import { missingToken } from './errors';
import { GitHubReporter } from './github-reporter';
import { GitLabReporter } from './gitlab-reporter';
import { GitNotesReporter } from './git-notes-reporter';
import { StatusReporter } from './reporter';
import { RetryOptions } from './retry';
import { StatusSettings } from './settings';

export interface ReporterContext {
  environment: string;
  /** The repository the notes go to (the source's git directory). */
  gitDir: string;
  /** Remote to push notes to, when the source is a pushable remote. */
  pushNotesTo?: string;
  /** Where tokens are read from (process.env). */
  variables: NodeJS.ProcessEnv;
  log?: Logger;
  retry?: RetryOptions;
}

/** Throws a StatusError naming the variable to set when a hosted reporter's token is missing. */
export function createReporters(settings: StatusSettings, context: ReporterContext): StatusReporter[] {
  const token = (kind: string, variable: string) => {
    const value = context.variables[variable];
    if (!value) throw missingToken(kind, variable, context.environment);
    return value;
  };
  return settings.reporters.map((kind): StatusReporter => {
    switch (kind) {
      case 'git-notes':
        return new GitNotesReporter({ gitDir: context.gitDir, pushTo: context.pushNotesTo, log: context.log });
      case 'github':
      case 'gitea': {
        const forge = settings[kind];
        if (!forge) throw new Error(`status.${kind} is missing: readStatusSettings reports this before reporters are made`);
        return new GitHubReporter({ flavour: kind, owner: forge.owner, repo: forge.repo, baseUrl: forge.baseUrl, token: token(kind, forge.tokenEnv), retry: context.retry });
      }
      case 'gitlab': {
        const project = settings.gitlab;
        if (!project) throw new Error('status.gitlab is missing: readStatusSettings reports this before reporters are made');
        return new GitLabReporter({ project: project.project, baseUrl: project.baseUrl, token: token(kind, project.tokenEnv), retry: context.retry });
      }
    }
  });
}
