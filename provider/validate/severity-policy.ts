// The one place environment.yaml's `validation.strict` and `validation.rules` change severities,
// applied by validateEnvironment to every layer's findings (so validate, plan, the daemon and
// review agree). Errors are never lowered: an error is a definition App Mesh refused or meshplane
// cannot serve. Warnings and notes are meshplane's opinion about definitions App Mesh accepted.
import { Diagnostic } from '../model/diagnostic';
import { ValidationSettings } from '../environment/environment-config';

export function applySeverityPolicy(diagnostics: readonly Diagnostic[], settings: ValidationSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity === 'error') {
      out.push(diagnostic);
      continue;
    }
    const override = overrideOf(diagnostic.code, settings);
    if (override === 'off') continue;
    if (override !== undefined) out.push({ ...diagnostic, severity: override });
    else if (settings.strict && diagnostic.severity === 'warning') out.push({ ...diagnostic, severity: 'error' });
    else out.push(diagnostic);
  }
  return out;
}

function overrideOf(code: string, settings: ValidationSettings): 'error' | 'warning' | 'off' | undefined {
  // `missingBackend: error` is the older spelling of `rules: {R8: error}`.
  if (code === 'R8' && settings.rules.R8 === undefined && settings.missingBackend === 'error') return 'error';
  return settings.rules[code];
}
