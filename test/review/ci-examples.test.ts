// The CI recipes under examples/ci/ stay in step with the command: valid YAML, only options that
// `meshplane review` has, and the report files they write are the ones they upload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { reviewCommand } from '../../reconciler/cli/commands/review';
import { captureTerminal } from '../helpers/capture-terminal';
import { REPO_ROOT } from '../helpers/paths';

const EXAMPLES = path.join(REPO_ROOT, 'examples', 'ci');

function reviewArguments(script: string): string[] {
  const start = script.indexOf(' review ');
  assert.ok(start > 0, `no "meshplane review" in ${script}`);
  return script
    .slice(start + ' review '.length)
    .replace(/\$\{\{[^}]*\}\}/g, '<expression>') // an Actions expression is one argument
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^"|"$/g, ''));
}

function checkOptions(args: string[]): Map<string, string> {
  const command = reviewCommand(captureTerminal(), () => undefined);
  const known = new Map(command.options.map((o) => [o.long!, o]));
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const option = known.get(args[i]);
    assert.ok(option, `${args[i]} is not an option of meshplane review`);
    if (option.argChoices) assert.ok(option.argChoices.includes(args[i + 1]), `${args[i]} ${args[i + 1]}: not one of ${option.argChoices.join(', ')}`);
    values.set(args[i], args[i + 1]);
  }
  assert.ok(values.has('--base') && values.has('--head'));
  return values;
}

/** How a recipe gets meshplane: from its Git repository at a full commit, never a registry name. */
function assertPinnedInstall(commands: string[], variables: Record<string, string>): void {
  const joined = commands.join('\n');
  assert.doesNotMatch(joined, /npx|meshplane@/, 'meshplane is not published to a registry: no npx / name@version');
  assert.ok(commands.some((c) => c.includes('npm install') && c.includes('"git+${MESHPLANE_GIT}#${MESHPLANE_COMMIT}"')), joined);
  assert.match(variables.MESHPLANE_COMMIT, /^[0-9a-f]{40}$/, 'pinned by a full commit');
  assert.match(variables.MESHPLANE_GIT, /^https:\/\//);
}

describe('CI recipes in examples/ci', () => {
  it('GitHub Actions: runs review on pull requests, posts to GitHub and uploads the SARIF it writes', () => {
    const workflow = parse(fs.readFileSync(path.join(EXAMPLES, 'github-actions.yml'), 'utf8'));
    assert.ok('pull_request' in workflow.on);
    assert.equal(workflow.permissions['pull-requests'], 'write');
    assert.equal(workflow.permissions.checks, 'write');
    const steps = workflow.jobs.review.steps as Array<Record<string, any>>;
    const review = steps.find((s) => typeof s.run === 'string' && s.run.includes('meshplane review'))!;
    assert.equal(review.env.GITHUB_TOKEN, '${{ secrets.GITHUB_TOKEN }}');
    const values = checkOptions(reviewArguments(review.run));
    assert.equal(values.get('--post'), 'github');
    const install = steps.find((s) => s.name === 'install meshplane')!;
    assertPinnedInstall(steps.filter((s) => typeof s.run === 'string').map((s) => s.run), install.env);
    assert.ok(steps.indexOf(install) < steps.indexOf(review));
    const upload = steps.find((s) => String(s.uses).startsWith('github/codeql-action/upload-sarif'))!;
    assert.equal(upload.with.sarif_file, values.get('--sarif'));
  });

  it('GitLab CI: runs review on merge requests, posts to GitLab and saves the code-quality report it writes', () => {
    const pipeline = parse(fs.readFileSync(path.join(EXAMPLES, 'gitlab-ci.yml'), 'utf8'));
    const job = pipeline['meshplane-review'];
    assert.match(job.rules[0].if, /merge_request_event/);
    const script = (job.script as string[]).find((line) => line.includes('meshplane review'))!;
    const values = checkOptions(reviewArguments(script));
    assert.equal(values.get('--post'), 'gitlab');
    assertPinnedInstall(job.script as string[], job.variables);
    assert.equal(job.artifacts.reports.codequality, values.get('--code-quality'));
  });
});
