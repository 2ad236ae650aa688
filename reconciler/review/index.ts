// Pull-request review: validation findings as annotations, the mesh plan, each proxy's Envoy
// diff and the Terraform plan in one comment that is updated in place on every push.
export * from './review-types';
export { buildReview, ReviewOptions, TERRAFORM_REVIEW_DIR } from './build-review';
export { diffProxies, EnvoySide, proxyId } from './envoy-diff';
export { readableEntries, ReadableEntry } from './envoy-readable';
export { ReviewError } from './errors';
export { Finding, reviewFindings } from './findings';
export { formatReviewMarkdown, GITHUB_COMMENT_LIMIT, REVIEW_MARKER, ReviewMarkdownOptions } from './format-markdown';
export { formatReviewJson, reviewToJson } from './format-json';
export { formatSarif, SARIF_SCHEMA_URI, toSarif } from './sarif';
export { formatCodeQuality, toCodeQuality } from './code-quality';
export { ANNOTATIONS_PER_REQUEST, CHECK_RUN_NAME, GitHubTarget, PostResult, postToGitHub } from './post-github';
export { GitLabTarget, postToGitLab } from './post-gitlab';
export { ciJobUrl, Forge, PostFlags, PostTarget, resolvePostTarget, TOKEN_VARIABLES } from './post-target';
