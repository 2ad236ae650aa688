// A plan as a pull-request comment: the summary first, then one collapsible block per resource.
import { actionSentence, ACTION_SYMBOL, diffLine, SETTING_EFFECT, SETTINGS_HEADING, shortName, summaryLine } from './change-labels';
import { hasChanges } from './planner';
import { Plan } from './plan-types';
import { escapeHtml, fence } from '../markdown/markdown-text';

export interface MarkdownFormatOptions {
  /** What was compared, e.g. `main → feature` (shown under the heading). */
  comparing?: string;
}

export function formatPlanMarkdown(plan: Plan, options: MarkdownFormatOptions = {}): string {
  const lines: string[] = [`### meshplane plan for \`${plan.environment}\``, ''];
  if (options.comparing) lines.push(`Comparing ${options.comparing}.`, '');
  if (!hasChanges(plan)) {
    lines.push('**No changes.** The desired state already matches.');
    return lines.join('\n') + '\n';
  }
  const s = plan.summary;
  const settings = s.settings ? `, ${s.settings} setting${s.settings === 1 ? '' : 's'}` : '';
  lines.push(`**${summaryLine(s)}** (${s.create} create, ${s.update} update, ${s.delete} delete, ${s.replace} replace${settings})`, '');
  if (plan.affectedProxies.length > 0) {
    lines.push(`**Proxies that receive new configuration (${plan.affectedProxies.length}):** ${plan.affectedProxies.map((p) => `\`${p.id}\``).join(', ')}`, '');
  }
  for (const diagnostic of plan.diagnostics) lines.push(`> **${diagnostic.severity} ${diagnostic.code}:** ${escapeHtml(diagnostic.message)}`, '');
  if (plan.settings.length > 0) {
    const body = plan.settings.map((setting) => `${diffLine(setting)}  (${SETTING_EFFECT[setting.effect]})`).join('\n');
    const marks = fence(body);
    lines.push('<details>', `<summary><code>~</code> <b>${SETTINGS_HEADING}</b></summary>`, '', `${marks}diff`, body, marks, '', '</details>', '');
  }
  for (const change of plan.changes) {
    const symbol = ACTION_SYMBOL[change.action];
    const body = change.diff.map(diffLine).join('\n');
    const marks = fence(body);
    lines.push(
      '<details>',
      `<summary><code>${escapeHtml(symbol)}</code> ${change.action} <b>${change.identity.kind}</b> <code>${escapeHtml(shortName(change.identity))}</code></summary>`,
      '',
      escapeHtml(actionSentence(change)) + '.',
      '',
      ...(body === '' ? ['No field changes.'] : [`${marks}diff`, body, marks]),
      '',
      '</details>',
      '',
    );
  }
  return lines.join('\n');
}
