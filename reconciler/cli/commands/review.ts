// `meshplane review`: what a pull request changes, for the pull request itself — validation of
// the head (as annotations: SARIF, a check run, GitLab code quality), the mesh plan, each proxy's
// Envoy diff and the Terraform plan, printed and optionally posted as one comment kept up to date.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { GitRefError } from '../../load/git-tree-source';
import {
  buildReview,
  ciJobUrl,
  Forge,
  formatCodeQuality,
  formatReviewJson,
  formatReviewMarkdown,
  formatSarif,
  PostResult,
  postToGitHub,
  postToGitLab,
  resolvePostTarget,
  Finding,
  Review,
  ReviewError,
  reviewFindings,
  TERRAFORM_REVIEW_DIR,
} from '../../review';
import { resolveDataDir } from '../../state';
import { addOperatorConfigOption, operatorTerraform } from '../operator-terraform';
import { Terminal } from '../terminal';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error';

export interface ReviewCommandOptions {
  base: string;
  head: string;
  env?: string[];
  repo?: string;
  format: 'markdown' | 'json';
  sarif?: string;
  codeQuality?: string;
  post?: Forge;
  pr?: string;
  project?: string;
  apiUrl?: string;
  dataDir?: string;
  config?: string;
}

/** Where GitLab looks for the code-quality report when the job declares it (see examples/ci/gitlab-ci.yml). */
export const DEFAULT_CODE_QUALITY_FILE = 'gl-code-quality-report.json';

export function reviewCommand(terminal: Terminal, done: (code: number) => void): Command {
  const command = new Command('review')
    .description('Review a pull request: validate the head, plan base → head, diff every affected proxy’s Envoy configuration, plan Terraform; print it and optionally post it as one comment updated on each push.')
    .requiredOption('--base <ref>', 'the target branch side (e.g. origin/main)')
    .requiredOption('--head <ref>', 'the pull request side (e.g. HEAD)')
    .option('--env <name...>', 'environment(s) to review (default: every environment in base or head)')
    .option('--repo <dir>', 'Git repository holding environments/ (default: current directory)')
    .addOption(new Option('--format <format>', 'what is printed').choices(['markdown', 'json']).default('markdown'))
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 (for code-scanning uploads)')
    .option('--code-quality <file>', `also write the findings as a GitLab code-quality report (default with --post gitlab: ${DEFAULT_CODE_QUALITY_FILE})`)
    .addOption(new Option('--post <forge>', 'post the review to the pull/merge request').choices(['github', 'gitea', 'gitlab']))
    .option('--pr <number>', 'pull request number / merge request IID (default: from the CI variables)')
    .option('--project <slug>', 'owner/name on GitHub and Gitea, project ID or group/project on GitLab (default: GITHUB_REPOSITORY / CI_PROJECT_ID)')
    .option('--api-url <url>', 'API base URL (default: GITHUB_API_URL or https://api.github.com; CI_API_V4_URL or https://gitlab.com/api/v4)')
    .option('--data-dir <dir>', 'where Terraform stacks are planned for environments with terraform.enabled, under terraform-review/ (default: $MESHPLANE_DATA_DIR, else <repo>/.meshplane)');
  return addOperatorConfigOption(command).action(async (options: ReviewCommandOptions) => done(await runReview(options, terminal)));
}

export async function runReview(options: ReviewCommandOptions, terminal: Terminal, variables: NodeJS.ProcessEnv = process.env): Promise<number> {
  if ((options.pr || options.project || options.apiUrl) && !options.post) throw new UsageError('--pr, --project and --api-url say where to post: add --post github|gitea|gitlab.');
  const repoDir = path.resolve(options.repo ?? '.');
  const operator = await operatorTerraform(options.config);
  let review: Review;
  try {
    review = await buildReview({
      repoDir,
      base: options.base,
      head: options.head,
      environments: options.env,
      terraform: {
        ...operator,
        workRoot: path.join(resolveDataDir(options, repoDir, variables), TERRAFORM_REVIEW_DIR),
        inherit: 'all',
        log: (line, _stream, step) => terminal.err(`${terminal.paint('dim', `terraform ${step}:`)} ${line}\n`),
      },
    });
  } catch (error) {
    if (error instanceof GitRefError || error instanceof ReviewError) {
      terminal.err(`meshplane: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }

  const findings = reviewFindings(review);
  const markdown = formatReviewMarkdown(review, { fullReviewUrl: ciJobUrl(variables) });
  // The review is printed first, so a failure to post never hides it.
  terminal.out(options.format === 'json' ? formatReviewJson(review) : markdown);
  if (options.sarif) writeReport(options.sarif, formatSarif(findings, review.head.commit), 'SARIF', terminal);
  const codeQuality = options.codeQuality ?? (options.post === 'gitlab' ? DEFAULT_CODE_QUALITY_FILE : undefined);
  if (codeQuality) writeReport(codeQuality, formatCodeQuality(findings), 'code-quality report', terminal);

  let posted = true;
  if (options.post) posted = await post(options, review, markdown, findings, terminal, variables);
  const failed = findings.some((f) => f.severity === 'error') || review.environments.some((e) => e.terraform?.error);
  return failed || !posted ? EXIT_FAILURE : EXIT_OK;
}

function writeReport(file: string, text: string, what: string, terminal: Terminal): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  terminal.err(`${what} written to ${file}\n`);
}

async function post(options: ReviewCommandOptions, review: Review, markdown: string, findings: readonly Finding[], terminal: Terminal, variables: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const destination = resolvePostTarget({ post: options.post!, pr: options.pr, project: options.project, apiUrl: options.apiUrl }, variables, review.head.commit);
    const result: PostResult =
      destination.forge === 'gitlab' ? await postToGitLab(destination.target, markdown) : await postToGitHub(destination.target, markdown, findings);
    const where = destination.forge === 'gitlab' ? `merge request !${destination.target.mergeRequest}` : `pull request #${destination.target.pullRequest}`;
    terminal.err(`review comment ${result.comment.action} on ${where}${result.comment.url ? ` (${result.comment.url})` : ''}\n`);
    if (result.checkRun) terminal.err(`check run ${result.checkRun.id} created with ${result.checkRun.annotations} annotation${result.checkRun.annotations === 1 ? '' : 's'}\n`);
    return true;
  } catch (error) {
    if (!(error instanceof ReviewError)) throw error;
    terminal.err(`meshplane: ${terminal.paint('red', 'the review was not posted')}: ${error.message}\n`);
    return false;
  }
}
