// ID-3: characters allowed in resource names, per EnvironmentConfig.validation.names.
import { KIND_INFO } from '../model/kinds';
import { Resource } from '../model/resource';
import { joinPointer } from '../model/diagnostic';
import { printable } from '../text/printable';
import { Report, RuleContext } from '../validate/rule-context';

const STRICT_NAME = /^[A-Za-z0-9_-]+$/;
// Virtual-service names are usually FQDNs, so strict mode also allows dots.
const STRICT_SERVICE_NAME = /^[A-Za-z0-9._-]+$/;

export function checkNames(resource: Resource, report: Report, ctx: RuleContext): void {
  const info = KIND_INFO[resource.kind];
  const strict = ctx.environment.validation.names === 'strict';
  for (const key of info.identityKeys) {
    const name = resource.doc[key];
    if (typeof name !== 'string' || name === '') continue;
    const pointer = joinPointer('', key);
    if (name.includes('/')) {
      report(pointer, 'ID-3', 'error', `name ${JSON.stringify(name)} contains "/", which would break its ARN; remove the slash.`);
    } else if (printable(name) !== name) {
      // In any mode: a control character in a name would travel into xDS, logs, statuses and terminals.
      report(pointer, 'ID-3', 'error', `name "${printable(name)}" contains control characters (shown escaped); remove them.`);
    } else if (strict) {
      const isServiceName = resource.kind === 'VirtualService' && key === info.nameKey;
      const pattern = isServiceName ? STRICT_SERVICE_NAME : STRICT_NAME;
      if (!pattern.test(name)) {
        const allowed = isServiceName ? 'letters, digits, ".", "-" and "_"' : 'letters, digits, "-" and "_"';
        report(pointer, 'ID-3', 'error',
          `name ${JSON.stringify(name)} may contain only ${allowed}; rename it, or accept any name without "/" with \`validation: { names: compat }\` in environment.yaml.`);
      }
    }
  }
}
