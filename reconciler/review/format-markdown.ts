// The review as one pull-request comment: found again on the next push by its hidden marker and
// edited in place, kept within GitHub's comment size limit by first collapsing the largest
// sections to summaries, then leaving out the last sections with a note.
import { compareDiagnostics, Diagnostic } from '../../provider/model/diagnostic';
import { formatPlanMarkdown } from '../plan/format-markdown';
import { ACTION_SYMBOL, shortName, summaryLine } from '../plan/change-labels';
import { Plan } from '../plan/plan-types';
import { formatTerraformSummary } from '../terraform/plan-summary';
import { EntryDiff, EnvironmentReview, ProxyDiff, ResourceDiff, Review, TerraformReview } from './review-types';
import { escapeHtml, fence } from '../markdown/markdown-text';

/** Hidden in the rendered comment; how the comment of an earlier push is found. */
export const REVIEW_MARKER = '<!-- meshplane-review -->';
/** GitHub refuses issue comments longer than this. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface ReviewMarkdownOptions {
  /** Character budget of the whole comment (default GITHUB_COMMENT_LIMIT). */
  limit?: number;
  /** Where the complete review can be read when the comment had to be shortened (e.g. the CI job's URL). */
  fullReviewUrl?: string;
}

/** A part of the comment, with the shorter form used when the whole does not fit. */
interface Block {
  full: string;
  compact: string;
}

const fixed = (text: string): Block => ({ full: text, compact: text });

function codeBlock(language: string, body: string): string {
  const marks = fence(body);
  return `${marks}${language}\n${body}\n${marks}`;
}

const short = (commit: string) => commit.slice(0, 7);

function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

function severityCounts(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors === 0 && warnings === 0) return 'valid';
  return [errors > 0 ? count(errors, 'error') : '', warnings > 0 ? count(warnings, 'warning') : ''].filter(Boolean).join(', ');
}

const SEVERITY_ICON: Record<Diagnostic['severity'], string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

function diagnosticLine(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return `- ${SEVERITY_ICON[d.severity]} **${d.severity}** \`${d.code}\` \`${where}\`: ${escapeHtml(d.message)}`;
}

const COMPACT_FINDINGS = 10;

function findingsBlock(env: EnvironmentReview): Block {
  const heading = `#### Validation of the head: ${severityCounts(env.diagnostics)}`;
  if (!env.inHead) return fixed(`${heading.replace(/: .*$/, '')}\n\nThe environment is deleted in the head.\n`);
  if (env.diagnostics.length === 0) return fixed(`${heading}\n\nNo findings.\n`);
  const lines = [...env.diagnostics].sort(compareDiagnostics).map(diagnosticLine);
  const rest = lines.length - COMPACT_FINDINGS;
  return {
    full: `${heading}\n\n${lines.join('\n')}\n`,
    compact: `${heading}\n\n${lines.slice(0, COMPACT_FINDINGS).join('\n')}\n${rest > 0 ? `- …and ${rest} more (every finding is an annotation on the changed files)\n` : ''}`,
  };
}

function planBlock(plan: Plan): Block {
  const full = formatPlanMarkdown(plan);
  if (plan.changes.length === 0) return fixed(full);
  const compact = [
    `### meshplane plan for \`${plan.environment}\``,
    '',
    `**${summaryLine(plan.summary)}** (field diffs collapsed to fit the comment)`,
    '',
    ...plan.diagnostics.map((d) => `> **${d.severity} ${d.code}:** ${escapeHtml(d.message)}\n`),
    ...plan.changes.map((c) => `- \`${ACTION_SYMBOL[c.action]}\` ${c.action} **${c.identity.kind}** \`${shortName(c.identity)}\``),
    '',
  ].join('\n');
  return { full, compact };
}

const CHANGE_SYMBOL = { added: '+', removed: '-', changed: '~' } as const;

function entryLines(entry: EntryDiff, indent: string): string[] {
  const label = entry.label === '' ? '' : `${entry.label}`;
  if (entry.change !== 'changed') {
    const text = [label, entry.headline].filter(Boolean).join(': ');
    return text ? [`${CHANGE_SYMBOL[entry.change]}${indent}${text}`] : [];
  }
  const lines = label ? [`~${indent}${label}`] : [];
  const inner = label ? `${indent}  ` : indent;
  for (const fact of entry.facts) {
    if (fact.before !== undefined) lines.push(`-${inner}${fact.field}: ${fact.before}`);
    if (fact.after !== undefined) lines.push(`+${inner}${fact.field}: ${fact.after}`);
  }
  return lines;
}

function resourceLines(resource: ResourceDiff): string[] {
  return [`${CHANGE_SYMBOL[resource.change]} ${resource.type} ${resource.name}`, ...resource.entries.flatMap((e) => entryLines(e, '   '))];
}

function proxySummary(proxy: ProxyDiff): string {
  const what = proxy.change === 'added' ? 'new proxy, ' : proxy.change === 'removed' ? 'removed in the head, ' : '';
  return `<b>${escapeHtml(proxy.id)}</b>: ${what}${count(proxy.resources.length, 'resource')} ${proxy.change === 'changed' ? 'changed' : proxy.change}`;
}

function proxyBlock(proxy: ProxyDiff): Block {
  const body = proxy.resources.flatMap(resourceLines).join('\n');
  const list = proxy.resources.map((r) => `\`${CHANGE_SYMBOL[r.change]} ${r.type} ${escapeHtml(r.name)}\``).join(', ');
  return {
    full: `<details>\n<summary>${proxySummary(proxy)}</summary>\n\n${codeBlock('diff', body)}\n\n</details>\n`,
    compact: `- ${proxySummary(proxy)}: ${list}\n`,
  };
}

function envoyBlocks(env: EnvironmentReview): Block[] {
  const heading = '#### Envoy configuration by proxy';
  if (env.envoyError) return [fixed(`${heading}\n\nEnvoy diff ${env.envoyError}\n`)];
  if (env.proxies.length === 0) return [fixed(`${heading}\n\nNo proxy receives different configuration.\n`)];
  const ids = env.proxies.map((p) => `\`${p.id}\``).join(', ');
  return [fixed(`${heading}\n\n${count(env.proxies.length, 'proxy', 'proxies')} ${env.proxies.length === 1 ? 'receives' : 'receive'} different configuration: ${ids}. Unchanged resources are not shown.\n`), ...env.proxies.map(proxyBlock)];
}

function terraformBlock(terraform: TerraformReview): Block {
  if (terraform.error) return fixed(`#### Terraform\n\n**Terraform plan failed.**\n\n${codeBlock('', terraform.error)}\n`);
  const full = formatTerraformSummary(terraform.summary!, 'markdown');
  const s = terraform.summary!;
  return { full, compact: `#### Terraform\n\n**${s.add} to add, ${s.change} to change, ${s.destroy} to destroy** (resource list collapsed to fit the comment).\n` };
}

function tableRow(env: EnvironmentReview): string {
  const terraform = !env.terraform ? '—' : env.terraform.error ? 'plan failed' : `${env.terraform.summary!.add} to add, ${env.terraform.summary!.change} to change, ${env.terraform.summary!.destroy} to destroy`;
  const proxies = env.envoyError ? 'not computed' : String(env.proxies.length);
  const failed = env.diagnostics.some((d) => d.severity === 'error') || env.plan.diagnostics.some((d) => d.severity === 'error') || Boolean(env.terraform?.error);
  const mark = failed ? '❌' : '✅';
  return `| ${mark} \`${env.environment}\` | ${severityCounts(env.diagnostics)} | ${summaryLine(env.plan.summary)} | ${proxies} | ${terraform} |`;
}

function blocksOf(review: Review): Block[] {
  const header = [
    REVIEW_MARKER,
    '## meshplane review',
    '',
    `Comparing \`${escapeHtml(review.base.ref)}\` (${short(review.base.commit)}) → \`${escapeHtml(review.head.ref)}\` (${short(review.head.commit)}).`,
    '',
    '| environment | validation | mesh plan | proxies affected | Terraform |',
    '| --- | --- | --- | --- | --- |',
    ...review.environments.map(tableRow),
    '',
  ].join('\n');
  const blocks: Block[] = [fixed(header)];
  for (const env of review.environments) {
    blocks.push(fixed(`## Environment \`${env.environment}\`\n`), findingsBlock(env), planBlock(env.plan), ...envoyBlocks(env));
    if (env.terraform) blocks.push(terraformBlock(env.terraform));
  }
  return blocks;
}

const joinBlocks = (parts: readonly string[]) => parts.join('\n');

export function formatReviewMarkdown(review: Review, options: ReviewMarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const blocks = blocksOf(review);
  const parts = blocks.map((b) => b.full);
  if (joinBlocks(parts).length <= limit) return joinBlocks(parts);

  const where = options.fullReviewUrl ? `the [job log](${options.fullReviewUrl})` : 'the job log';
  const collapsedNote = `> Some sections are collapsed to summaries to fit the ${limit.toLocaleString('en-US')}-character comment limit; the complete review is in ${where} (\`meshplane review\` prints it).\n`;
  parts.splice(1, 0, collapsedNote);
  const order = blocks.map((b, i) => ({ i, saving: b.full.length - b.compact.length })).filter((b) => b.saving > 0).sort((a, b) => b.saving - a.saving || a.i - b.i);
  for (const { i } of order) {
    if (joinBlocks(parts).length <= limit) break;
    parts[i + 1] = blocks[i].compact;
  }
  if (joinBlocks(parts).length <= limit) return joinBlocks(parts);

  // Still too long: keep whole sections in order and say how many were left out.
  const truncatedNote = (omitted: number) =>
    `> **Truncated:** ${count(omitted, 'more section')} did not fit in the ${limit.toLocaleString('en-US')}-character comment limit and ${omitted === 1 ? 'is' : 'are'} left out; the complete review is in ${where}.\n`;
  const kept: string[] = [];
  for (let n = 0; n < parts.length; n++) {
    const candidate = joinBlocks([...kept, parts[n], truncatedNote(parts.length - n - 1)]);
    if (candidate.length > limit) return joinBlocks([...kept, truncatedNote(parts.length - n)]).slice(0, limit);
    kept.push(parts[n]);
  }
  return joinBlocks(kept);
}
