export { DeclaredReporters, ReporterContext } from './create-reporters';
export { StatusError } from './errors';
export { NOTES_REF, readNote } from './git-notes';
export { GitNotesReporter, GitNotesReporterOptions } from './git-notes-reporter';
export { GitHubReporter, GitHubReporterOptions } from './github-reporter';
export { GitLabReporter, GitLabReporterOptions } from './gitlab-reporter';
export { reportToAll, StatusReporter } from './reporter';
export { DEFAULT_RETRY, RetryOptions } from './retry';
export * from './status';
