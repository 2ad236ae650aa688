// The Host header check that defeats DNS rebinding: a browser tricked into sending requests for
// attacker.example to the daemon's loopback port still says `Host: attacker.example`. Only the
// names the daemon is really reached by are accepted: its listen address, the public URL's host,
// the loopback forms, and what the operator lists (http.allowedHosts). An IP literal cannot be
// rebound, so when the daemon listens on every interface any IP literal is accepted too.
import { isIP } from 'node:net';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const UNSPECIFIED = ['0.0.0.0', '::', ''];

export interface AllowedHostsOptions {
  /** The host the server listens on. */
  listenHost: string;
  /** The URL the daemon is reached by (links in statuses); its host is allowed. */
  publicUrl?: string;
  /** More host names (or IPs) the operator reaches the daemon by. */
  allowedHosts?: readonly string[];
}

export class AllowedHosts {
  private readonly names = new Set<string>();
  private readonly anyIpLiteral: boolean;

  constructor(options: AllowedHostsOptions) {
    for (const name of [...LOOPBACK_NAMES, options.listenHost, ...(options.allowedHosts ?? [])]) this.names.add(normalise(name));
    if (options.publicUrl) {
      try {
        this.names.add(normalise(new URL(options.publicUrl).hostname));
      } catch {
        // not a URL: the daemon refuses to start on it elsewhere
      }
    }
    this.anyIpLiteral = UNSPECIFIED.includes(options.listenHost);
  }

  /** Whether a request with this Host header (`name`, `name:port`, `[v6]:port`) is for this daemon. */
  allows(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const name = hostOf(hostHeader);
    if (name === undefined) return false;
    if (this.names.has(name)) return true;
    if (name.endsWith('.localhost')) return true; // RFC 6761: always loopback
    return this.anyIpLiteral && isIP(name) !== 0;
  }

  describe(): string {
    return [...this.names].join(', ');
  }
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** The host part of a Host header, lower-cased, without brackets, port or trailing dot. */
function hostOf(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1].replace(/\.$/, '') : undefined;
}
