// The trust boundary, repository side: keys environment.yaml once accepted that name binaries,
// URLs receiving credentials, token sources, files or daemon addresses. A commit changes the mesh
// and nothing else, so each is refused (ENV-OPERATOR) with its place in the operator configuration.

export interface OperatorKey {
  /** Dotted path in environment.yaml. */
  key: string;
  /** Why the repository may not set it. */
  reason: string;
  /** Where it lives now. */
  fix: string;
}

export const OPERATOR_KEYS: readonly OperatorKey[] = [
  { key: 'store', reason: 'it names etcd endpoints, TLS files and credential variables', fix: 'move it to store in meshplane.yaml (or the --store/--etcd-* flags)' },
  { key: 'secrets', reason: 'secrets are never read from the repository', fix: 'reference each secret as { env: NAME } or { file: /path } in meshplane.yaml' },
  { key: 'terraform.binary', reason: 'it names an executable the daemon runs', fix: 'move it to terraform.binary in meshplane.yaml' },
  { key: 'terraform.backend', reason: 'it names where Terraform state and its credentials live', fix: 'move it to terraform.backend in meshplane.yaml' },
  {
    key: 'terraform.provider',
    reason: 'it names the AWS endpoints, profile and role that credentials go to, and the provider version installed',
    fix: 'move it to terraform.provider in meshplane.yaml',
  },
  {
    key: 'status.reporter',
    reason: 'reporters send tokens to the hosts they name',
    fix: 'declare the reporter under reporters in meshplane.yaml, then select it here by name with status.reporters: [<name>]',
  },
  ...(['github', 'gitea', 'gitlab'] as const).map((forge) => ({
    key: `status.${forge}`,
    reason: 'it names a URL that receives a token and the variable holding that token',
    fix: `move it to reporters.<name> in meshplane.yaml ({ kind: ${forge}, …, token: { env: NAME } }), then select it here with status.reporters: [<name>]`,
  })),
  { key: 'xds.listen', reason: 'it chooses the address the daemon listens on', fix: 'move it to listen.xds in meshplane.yaml (or --xds-listen)' },
  { key: 'xds.auth', reason: 'it names token sources (environment variables and files) of the daemon', fix: 'move it to xds.auth in meshplane.yaml' },
  { key: 'xds.tls', reason: 'it names certificate and key files of the daemon', fix: 'move it to xds.tls in meshplane.yaml' },
  ...(['maxProxies', 'maxMessageBytes', 'maxConcurrentStreams', 'keepalive'] as const).map((limit) => ({
    key: `xds.${limit}`,
    reason: 'it limits the daemon\'s server, shared by every environment',
    fix: `move it to xds.limits.${limit} in meshplane.yaml`,
  })),
];

/** The message of an ENV-OPERATOR diagnostic for `key` (a path of OPERATOR_KEYS, or '' for a secret-looking key at `written`). */
export function operatorKeyMessage(key: string, written: string): string {
  const known = OPERATOR_KEYS.find((k) => k.key === key);
  if (!known) {
    return (
      `${written} looks like a secret, URL, file or binary, which the repository never sets: this belongs to the operator configuration. ` +
      'Remove it here and set it in meshplane.yaml, with secrets as { env: NAME } or { file: /path } (see docs/configuration.md).'
    );
  }
  return `${written}: this belongs to the operator configuration (${known.reason}): ${known.fix} — see docs/configuration.md. It is not obeyed here.`;
}

