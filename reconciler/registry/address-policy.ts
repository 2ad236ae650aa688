// Which endpoint addresses the registry accepts. Whoever can register an instance decides where a
// service's traffic goes, so addresses that reach the daemon host itself or its cloud metadata
// service are refused unless the operator allows them: loopback (127.0.0.0/8, ::1), link-local
// (169.254.0.0/16 — 169.254.169.254 is the instance metadata service — and fe80::/10), and the
// unspecified address (0.0.0.0, ::), which means "this host" to most stacks. IPv4-mapped IPv6
// forms (::ffff:127.0.0.1) are judged as the IPv4 address they carry.
import { isIPv4, isIPv6 } from 'node:net';
import { registryErrors } from './errors';

export interface AddressPolicy {
  /** Accept 127.0.0.0/8 and ::1 (operator config registry.allowLoopback). */
  allowLoopback: boolean;
  /** Accept 169.254.0.0/16 and fe80::/10 (operator config registry.allowLinkLocal). */
  allowLinkLocal: boolean;
}

export const DEFAULT_ADDRESS_POLICY: AddressPolicy = { allowLoopback: false, allowLinkLocal: false };

export type AddressRange = 'loopback' | 'link-local' | 'unspecified';

/** The special range an IP address is in, if any. */
export function specialRange(address: string): AddressRange | undefined {
  if (isIPv4(address)) return ipv4Range(address);
  if (!isIPv6(address)) return undefined;
  const groups = expandIPv6(address.toLowerCase());
  if (!groups) return undefined;
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  if ((groups[0] & 0xffc0) === 0xfe80) return 'link-local';
  // ::ffff:a.b.c.d carries an IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return ipv4Range(`${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`);
  }
  return undefined;
}

/** Why the policy refuses `address` (its range), or undefined when it is accepted. */
export function refusedRange(address: string, policy: AddressPolicy): AddressRange | undefined {
  const range = specialRange(address);
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  if (range === 'link-local' && policy.allowLinkLocal) return undefined;
  return range;
}

/** Throws RegistryError (403, with the option that allows it) when the policy refuses `address`. */
export function checkAddress(address: string, policy: AddressPolicy): void {
  const range = refusedRange(address, policy);
  if (range) throw registryErrors.refusedAddress(address, range);
}

function ipv4Range(address: string): AddressRange | undefined {
  const [a, b] = address.split('.').map(Number);
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (with an embedded IPv4 tail), or undefined. */
function expandIPv6(address: string): number[] | undefined {
  let text = address.split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}
