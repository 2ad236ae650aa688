// Errors of the operator configuration and its secrets: what is wrong, why, and the fix.
import { Diagnostic } from '../../provider/model/diagnostic';

/** The configuration file cannot be used; every finding is positioned in it. */
export class OperatorConfigError extends Error {
  override readonly name = 'OperatorConfigError';
  constructor(
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(
      `the operator configuration ${file} has ${diagnostics.length === 1 ? 'a problem' : `${diagnostics.length} problems`}, so nothing was started:\n` +
        diagnostics.map((d) => `  ${d.file}:${d.line}:${d.column}: ${d.code} ${d.message}`).join('\n') +
        '\nFix the file and run again; docs/configuration.md describes every key.',
    );
  }
}

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export const secretErrors = {
  unsetVariable: (name: string) => new SecretError(`environment variable ${name} is not set (or empty). Export ${name}=<secret> in the daemon's environment.`),
  unreadableFile: (file: string, why: string) => new SecretError(`cannot read secret file ${file} (${why}). Check the path and that the daemon's user may read it.`),
  notRegularFile: (file: string) =>
    new SecretError(`secret file ${file} is not a regular file (a FIFO, device or directory); it was not read. Point the configuration at a regular file holding the secret.`),
  fileTooLarge: (file: string, size: number, max: number) =>
    new SecretError(`secret file ${file} is ${size} bytes, more than the ${max}-byte limit of a secret; it was not read. Put only the secret in it.`),
  emptyFile: (file: string) => new SecretError(`secret file ${file} is empty. Write the secret into it.`),
};

/** Problems of how `meshplane serve` was called (flags, env), apart from the file. */
export const operatorUsage = {
  secretOnArgv: (flag: string, variable: string) =>
    `${flag} is no longer accepted: a secret on the command line shows in /proc/<pid>/cmdline and in ps. ` +
    `Export ${variable}=<secret> in the daemon's environment, or set it in the configuration file (--config) as { env: NAME } or { file: /path }.`,
  unreadableConfig: (file: string, why: string) => `cannot read the operator configuration ${file} (${why}). Check --config / $MESHPLANE_CONFIG.`,
};
