// Errors the daemon raises while starting: what happened, why, and the fix.

export class DaemonError extends Error {
  override readonly name = 'DaemonError';
}

export function badListenAddress(flag: string, value: string): DaemonError {
  return new DaemonError(`${flag} ${JSON.stringify(value)} is not host:port. Pass an address such as 127.0.0.1:9080 (or 0.0.0.0:9080 to listen on every interface; port 0 picks a free port).`);
}

export function cannotListen(what: string, address: string, detail: string): DaemonError {
  return new DaemonError(`cannot listen for ${what} on ${address}: ${detail}. Another process may use the port; pick another with ${what === 'xDS' ? '--xds-listen' : '--http-listen'} host:port.`);
}
