// Caps the connections a server holds, for the HTTP port and the xDS port alike. A connection is
// "idle" until it carries a valid request (an HTTP request, an admitted xDS stream) and again once
// it carries none. At the cap a new connection evicts the oldest idle one, or is closed at once
// when every connection is busy — never queued — so a flood of silent connections cannot keep
// real clients (or /healthz) out. Idle connections are also closed after a timeout.
import * as net from 'node:net';

export interface ConnectionGateOptions {
  maxConnections: number;
  /** An idle connection is closed after this long; 0 keeps it. */
  idleTimeoutMs: number;
}

export interface ConnectionGateCounts {
  open: number;
  /** New connections closed because every connection was busy. */
  refused: number;
  /** Idle connections closed to make room for a new one. */
  evicted: number;
  /** Idle connections closed by the idle timeout. */
  timedOut: number;
}

interface Tracked {
  socket: net.Socket;
  peer: string;
  busy: number;
  timer?: NodeJS.Timeout;
}

/**
 * `address:port` as grpc-js's call.getPeer() spells it, so a stream finds its connection. Joined:
 * a concatenation would be kept per connection as a rope (32 bytes) over its parts.
 */
export function peerOf(socket: net.Socket): string {
  return [String(socket.remoteAddress), String(socket.remotePort)].join(':');
}

export class ConnectionGate {
  /** In arrival order, so the first idle one found is the oldest. */
  private readonly connections = new Map<net.Socket, Tracked>();
  private readonly byPeer = new Map<string, Tracked>();
  private readonly counts = { refused: 0, evicted: 0, timedOut: 0 };
  /**
   * One 'close' listener for every socket (called with the socket as `this`): a closure per
   * connection, or once()'s bound wrapper, is ~250 bytes per connected proxy.
   */
  private readonly onClose: (this: net.Socket) => void;

  constructor(readonly options: ConnectionGateOptions) {
    const gate = this;
    this.onClose = function (this: net.Socket) {
      const tracked = gate.connections.get(this);
      if (tracked) gate.forget(tracked);
    };
  }

  /** Takes a new connection, or closes it (false) when the gate is full of busy connections. */
  admit(socket: net.Socket): boolean {
    if (this.connections.size >= this.options.maxConnections) {
      const idle = this.oldestIdle();
      if (!idle) {
        this.counts.refused++;
        socket.destroy();
        return false;
      }
      this.counts.evicted++;
      this.drop(idle);
    }
    const tracked: Tracked = { socket, peer: peerOf(socket), busy: 0 };
    this.connections.set(socket, tracked);
    this.byPeer.set(tracked.peer, tracked);
    socket.on('close', this.onClose);
    this.armIdleTimer(tracked);
    return true;
  }

  /** The connection (socket, or peer `address:port`) started carrying a valid request. */
  busy(connection: net.Socket | string): void {
    const tracked = this.find(connection);
    if (!tracked) return;
    tracked.busy++;
    clearTimeout(tracked.timer);
    tracked.timer = undefined;
  }

  /** A request the connection carried ended. */
  done(connection: net.Socket | string): void {
    const tracked = this.find(connection);
    if (!tracked || tracked.busy === 0) return;
    if (--tracked.busy === 0) this.armIdleTimer(tracked);
  }

  status(): ConnectionGateCounts {
    return { open: this.connections.size, ...this.counts };
  }

  /** Closes every connection (server shutdown). */
  closeAll(): void {
    for (const tracked of [...this.connections.values()]) this.drop(tracked);
  }

  private find(connection: net.Socket | string): Tracked | undefined {
    return typeof connection === 'string' ? this.byPeer.get(connection) : this.connections.get(connection);
  }

  private oldestIdle(): Tracked | undefined {
    for (const tracked of this.connections.values()) if (tracked.busy === 0) return tracked;
    return undefined;
  }

  private armIdleTimer(tracked: Tracked): void {
    if (this.options.idleTimeoutMs <= 0) return;
    tracked.timer = setTimeout(() => {
      this.counts.timedOut++;
      this.drop(tracked);
    }, this.options.idleTimeoutMs);
    tracked.timer.unref();
  }

  private drop(tracked: Tracked): void {
    this.forget(tracked);
    tracked.socket.destroy();
  }

  private forget(tracked: Tracked): void {
    clearTimeout(tracked.timer);
    if (this.connections.get(tracked.socket) === tracked) this.connections.delete(tracked.socket);
    if (this.byPeer.get(tracked.peer) === tracked) this.byPeer.delete(tracked.peer);
  }
}
