// Terraform-like text rendering of a plan, ending with `Plan: N to add, N to change, N to destroy.`
import { actionSentence, ACTION_SYMBOL, diffLine, OP_SYMBOL, SETTING_EFFECT, SETTINGS_HEADING, shortName, summaryLine } from './change-labels';
import { hasChanges } from './planner';
import { Plan } from './plan-types';

export type Paint = (style: 'red' | 'yellow' | 'green' | 'cyan' | 'bold' | 'dim', text: string) => string;

const plain: Paint = (_style, text) => text;
const COLOR: Record<string, 'green' | 'red' | 'yellow'> = { '+': 'green', '-': 'red', '~': 'yellow', '-/+': 'yellow' };

export interface TextFormatOptions {
  paint?: Paint;
  /** What was compared, e.g. `applied revision 3 → working tree`. */
  comparing?: string;
}

export function formatPlanText(plan: Plan, options: TextFormatOptions = {}): string {
  const paint = options.paint ?? plain;
  const lines: string[] = [];
  const context = options.comparing ? ` (${options.comparing})` : '';
  if (!hasChanges(plan)) {
    lines.push(`${paint('green', 'No changes.')} Environment ${plan.environment}${context} already matches the desired state.`);
    return lines.join('\n') + '\n';
  }
  lines.push(`meshplane will perform the following actions in environment ${plan.environment}${context}:`, '');
  if (plan.settings.length > 0) {
    lines.push(`  ${paint('bold', `# ${SETTINGS_HEADING}`)}`);
    for (const setting of plan.settings) {
      const line = diffLine(setting);
      lines.push(`      ${paint(COLOR[OP_SYMBOL[setting.op]], line.slice(0, 1))}${line.slice(1)}  ${paint('dim', `(${SETTING_EFFECT[setting.effect]})`)}`);
    }
    lines.push('');
  }
  for (const change of plan.changes) {
    const symbol = ACTION_SYMBOL[change.action];
    lines.push(`  ${paint('bold', `# ${actionSentence(change)}`)}`);
    lines.push(`${symbol.padStart(3)} ${paint(COLOR[symbol], change.identity.kind)} ${shortName(change.identity)}`);
    for (const entry of change.diff) {
      const line = diffLine(entry);
      lines.push(`      ${paint(COLOR[OP_SYMBOL[entry.op]], line.slice(0, 1))}${line.slice(1)}`);
    }
    lines.push('');
  }
  if (plan.affectedProxies.length > 0) {
    lines.push(`Proxies that receive new configuration (${plan.affectedProxies.length}):`);
    for (const proxy of plan.affectedProxies) lines.push(`  ${proxy.id}`);
    lines.push('');
  }
  lines.push(paint('bold', summaryLine(plan.summary)));
  return lines.join('\n') + '\n';
}
