export { Backoff, BackoffOptions, DEFAULT_BACKOFF, sleep } from './backoff';
export { Checkout } from './checkout';
export { redactUrl, SourceError, SourceErrorKind } from './errors';
export { CommitInfo, gitAt, resolveCommit } from './git';
export { DEFAULT_BRANCH, DEFAULT_POLL_MS, GitSource, GitSourceOptions, SourceListener, SourceStatus } from './git-source';
export { parseLocation, RepositoryLocation } from './location';
export { Revision, revisionId, shortCommit } from './revision';
