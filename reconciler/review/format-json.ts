// The review as JSON (`--format json`): the same content as the comment, for other tools.
import { planToJson } from '../plan/format-json';
import { EnvironmentReview, Review } from './review-types';

function environmentJson(env: EnvironmentReview): Record<string, unknown> {
  return {
    environment: env.environment,
    inBase: env.inBase,
    inHead: env.inHead,
    valid: env.valid,
    diagnostics: env.diagnostics,
    plan: planToJson(env.plan),
    proxies: env.proxies,
    ...(env.envoyError ? { envoyError: env.envoyError } : {}),
    ...(env.terraform ? { terraform: env.terraform } : {}),
  };
}

export function reviewToJson(review: Review): Record<string, unknown> {
  return { base: review.base, head: review.head, environments: review.environments.map(environmentJson) };
}

export function formatReviewJson(review: Review): string {
  return JSON.stringify(reviewToJson(review), null, 2) + '\n';
}
