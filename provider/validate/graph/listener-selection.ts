// XR-2 / XR-3: which listener of a router, node, gateway or provider a reference binds to.
// With one listener it is that one; with several, the reference must name a port, and a
// named port must exist.
import { ListenerView } from '../../rules/listener';

export type ListenerSelection =
  | { outcome: 'selected'; listener: ListenerView }
  | { outcome: 'no-listeners' }
  | { outcome: 'port-required' }
  | { outcome: 'unknown-port'; port: number };

export function selectListener(listeners: readonly ListenerView[], port: number | undefined): ListenerSelection {
  if (listeners.length === 0) return { outcome: 'no-listeners' };
  if (port !== undefined) {
    const listener = listeners.find((l) => l.port === port);
    return listener ? { outcome: 'selected', listener } : { outcome: 'unknown-port', port };
  }
  return listeners.length === 1 ? { outcome: 'selected', listener: listeners[0] } : { outcome: 'port-required' };
}
