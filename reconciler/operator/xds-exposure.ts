// Who can reach the xDS port decides what auth it needs: without authentication any process that
// reaches it receives any identity's configuration and can NACK a commit's sync status to failure.
// On loopback that is the local quickstart; elsewhere the operator must say so (xds.insecure).
import { isIP } from 'node:net';
import { XdsOperatorSettings } from './operator-config';

export interface XdsExposure {
  /** Refuse to start: auth none on a non-loopback address without xds.insecure. */
  refusal?: string;
  /** Log at every start. */
  warnings: string[];
}

export function xdsExposure(listenHost: string, xds: XdsOperatorSettings): XdsExposure {
  if (isLoopback(listenHost)) return { warnings: [] };
  const address = `${listenHost.includes(':') ? `[${listenHost}]` : listenHost}`;
  if (xds.auth.mode === 'none') {
    if (!xds.insecure) {
      return {
        refusal:
          `xDS would listen on ${address} without proxy authentication: any process that reaches it receives every identity's configuration. ` +
          'Set xds.auth (mode token with xds.auth.tokens, or mtls with xds.tls) in the operator configuration, listen on 127.0.0.1, ' +
          'or accept the risk explicitly with xds.insecure: true (--xds-insecure).',
        warnings: [],
      };
    }
    return { warnings: [`xDS listens on ${address} WITHOUT proxy authentication (xds.insecure): any process that reaches it can stream any identity's configuration and NACK commits.`] };
  }
  if (xds.auth.mode === 'token' && !xds.tls) {
    return { warnings: [`xDS token authentication on ${address} over plaintext: bearer tokens cross the network unencrypted. Add xds.tls (certificate, privateKey) in the operator configuration.`] };
  }
  return { warnings: [] };
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this host only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}
