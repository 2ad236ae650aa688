// Listener checks shared by virtual nodes, routers and gateways: unique ports, and unions
// keyed by protocol (connection pool CP-2, timeout TO-1) that must match portMapping.protocol.
import { joinPointer } from '../model/diagnostic';
import { Report } from '../validate/rule-context';
import { asArray, asNumber, asObject, asString, Obj, presentMembers } from './values';

export interface ListenerView {
  listener: Obj;
  pointer: string;
  port?: number;
  protocol?: string;
}

/** The listeners of a spec with their pointers and port mappings. */
export function listenersOf(spec: Obj | undefined): ListenerView[] {
  return asArray(spec?.listeners).flatMap((value, index) => {
    const listener = asObject(value);
    if (!listener) return [];
    const portMapping = asObject(listener.portMapping);
    return [{ listener, pointer: joinPointer('/spec/listeners', index), port: asNumber(portMapping?.port), protocol: asString(portMapping?.protocol) }];
  });
}

/** VN-L-1, VR-1, VG-1: the SDKs refuse an empty list (at least one listener); "no listener" is written by omitting it. */
export function checkListenersNotEmpty(spec: Obj | undefined, code: string, report: Report): void {
  if (Array.isArray(spec?.listeners) && spec.listeners.length === 0) {
    report('/spec/listeners', code, 'error', 'App Mesh refuses an empty "listeners: []" (at least one listener); remove the key for no listener, or add one such as "{portMapping: {port: 8080, protocol: http}}".');
  }
}

/** VN-L-1, VR-2, VG-1: two listeners on one port cannot be told apart. */
export function checkUniquePorts(listeners: readonly ListenerView[], code: string, report: Report): void {
  const seen = new Map<number, number>();
  listeners.forEach(({ port, pointer }, index) => {
    if (port === undefined) return;
    const first = seen.get(port);
    if (first !== undefined) {
      report(joinPointer(pointer, 'portMapping', 'port'), code, 'error', `port ${port} is already used by listener ${first}; give each listener its own port.`);
    } else seen.set(port, index);
  });
}

/** The member set in a protocol-keyed union must be the listener's protocol. */
export function checkProtocolMember(union: unknown, view: ListenerView, member: string, members: readonly string[], code: string, report: Report): void {
  const set = presentMembers(asObject(union), members);
  if (set.length !== 1 || view.protocol === undefined || set[0] === view.protocol) return;
  report(joinPointer(view.pointer, member), code, 'error',
    `${member}.${set[0]} does not match this listener's protocol ${view.protocol}; use ${member}.${view.protocol} (or change portMapping.protocol).`);
}
