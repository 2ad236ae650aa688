// What every validation rule needs besides the document: the environment's settings, and
// one way to turn a finding into a positioned Diagnostic.
import { EnvironmentConfig } from '../environment/environment-config';
import { Diagnostic, Severity } from '../model/diagnostic';
import { Resource } from '../model/resource';

export interface RuleContext {
  environment: EnvironmentConfig;
}

/** A Diagnostic on `resource` at the value `pointer` designates (or its nearest existing ancestor). */
export function diagnosticAt(resource: Resource, pointer: string, code: string, severity: Severity, message: string): Diagnostic {
  const { line, column } = resource.source.locate(pointer);
  return { code, severity, message, file: resource.source.file, line, column, pointer };
}

/** Records findings about one resource; rules call it instead of building Diagnostics themselves. */
export type Report = (pointer: string, code: string, severity: Severity, message: string) => void;

export function reporterFor(resource: Resource, out: Diagnostic[]): Report {
  return (pointer, code, severity, message) => out.push(diagnosticAt(resource, pointer, code, severity, message));
}
