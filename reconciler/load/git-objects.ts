// One long-lived `git cat-file --batch-command` per repository: refs are resolved, object sizes
// asked and blobs, trees and commits read through its pipes instead of a git process per question
// (spawning git from a large daemon costs tens of milliseconds of its main thread each time).
// Answers are read as a stream and every read is bounded: content over a request's limit is
// skipped as it arrives, never buffered. The process starts on the first request, is restarted by
// the next request when it died, closes itself after a minute without requests, never keeps the
// Node process alive while idle, and is closed by close() (the daemon's source does on stop).
// git reads loose refs and re-checks packed-refs on every lookup, and looks again for new packs
// when an object is missing, so one process sees commits, fetches and gc made after it started.
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { GIT_STALL_MS, gitEnvironment } from '../source/git';

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

export interface ObjectContent extends ObjectInfo {
  /** The content; its first `maxBytes` bytes when the request truncates. */
  content: Buffer;
}

export interface ReadLimit {
  maxBytes: number;
  /** Over the limit: fail with ObjectTooLargeError (default), or keep only the first maxBytes bytes. */
  over?: 'refuse' | 'truncate';
}

/** The process failed or answered something that is not the protocol. */
export class GitObjectsError extends Error {
  override readonly name = 'GitObjectsError';
}

export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    readonly oid: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`object ${oid} is ${size} bytes; over the limit of ${maxBytes} bytes`);
  }
}

/** A process idle this long is closed; the next request starts another. */
export const IDLE_CLOSE_MS = 60_000;
/** A header line longer than this is not the protocol. */
const MAX_HEADER_BYTES = 1024;
const STDERR_KEPT_BYTES = 4096;

interface Request {
  name: string;
  limit?: ReadLimit;
  resolve(value: ObjectInfo | ObjectContent | undefined): void;
  reject(error: Error): void;
}

/** The answer being received: a header, then (for contents) the body and its closing newline. */
interface Body {
  request: Request;
  info: ObjectInfo;
  content: Buffer;
  /** Bytes of the body still to come, the closing newline included. */
  remaining: number;
  /** Bytes of `content` filled. */
  filled: number;
  tooLarge: boolean;
}

const open = new Map<string, GitObjects>();

export class GitObjects {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Request[] = [];
  private header: Buffer[] = [];
  private headerBytes = 0;
  private body: Body | undefined;
  private stderr = '';
  private stallTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(readonly dir: string) {}

  /** The process of the repository at `dir` (a git directory or a work tree), shared in this Node process. */
  static of(dir: string): GitObjects {
    const key = path.resolve(dir);
    let objects = open.get(key);
    if (!objects) open.set(key, (objects = new GitObjects(key)));
    return objects;
  }

  /** The object a name (an object id, a ref, `rev^{commit}`, `tree:path`) names, or undefined. */
  info(name: string): Promise<ObjectInfo | undefined> {
    return this.request(name, undefined) as Promise<ObjectInfo | undefined>;
  }

  /** Several names answered by one pass through the pipes. */
  infos(names: readonly string[]): Promise<Array<ObjectInfo | undefined>> {
    return Promise.all(names.map((name) => this.info(name)));
  }

  /** An object's content, bounded by `limit`; undefined when the name names nothing. */
  contents(name: string, limit: ReadLimit): Promise<ObjectContent | undefined> {
    return this.request(name, limit) as Promise<ObjectContent | undefined>;
  }

  /** Stops the process (pending requests fail); the next request starts a new one. */
  close(): void {
    if (open.get(this.dir) === this) open.delete(this.dir);
    this.stop(new GitObjectsError(`git cat-file in ${this.dir} was closed`));
  }

  private request(name: string, limit: ReadLimit | undefined): Promise<ObjectInfo | ObjectContent | undefined> {
    // A newline would end the command early and start another: such a name names nothing.
    if (/[\n\r\0]/.test(name) || name === '') return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const child = this.child ?? this.start();
      this.queue.push({ name, limit, resolve, reject });
      clearTimeout(this.idleTimer);
      (child.stdout as unknown as Socket).ref(); // an answer is awaited: keep the Node process alive for it
      this.armStall();
      child.stdin.write(`${limit ? 'contents' : 'info'} ${name}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    open.set(this.dir, this);
    const child = spawn('git', ['cat-file', '--batch-command'], { cwd: this.dir, env: gitEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.stderr = '';
    this.header = [];
    this.headerBytes = 0;
    this.body = undefined;
    child.unref();
    (child.stderr as unknown as Socket).unref();
    (child.stdin as unknown as Socket).unref();
    child.stdin.on('error', () => undefined); // a dead process is reported by 'close'
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      try {
        this.receive(chunk);
      } catch (error) {
        this.stop(error as Error);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < STDERR_KEPT_BYTES) this.stderr += chunk.toString('utf8');
    });
    const exited = (detail: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fail(new GitObjectsError(`git cat-file in ${this.dir} ${detail}${this.stderr.trim() ? `: ${this.stderr.trim().slice(0, STDERR_KEPT_BYTES)}` : ''}`));
    };
    child.on('error', (error) => exited(`could not run: ${error.message}`));
    child.on('close', (code, signal) => exited(`exited (${signal ?? `code ${code}`})`));
    return child;
  }

  private receive(chunk: Buffer): void {
    this.armStall();
    let offset = 0;
    while (offset < chunk.length) {
      if (this.body) {
        offset = this.fill(this.body, chunk, offset);
        continue;
      }
      const newline = chunk.indexOf(0x0a, offset);
      const end = newline < 0 ? chunk.length : newline;
      this.header.push(chunk.subarray(offset, end));
      this.headerBytes += end - offset;
      if (this.headerBytes > MAX_HEADER_BYTES) throw new GitObjectsError(`git cat-file in ${this.dir} answered a header over ${MAX_HEADER_BYTES} bytes`);
      if (newline < 0) return;
      offset = newline + 1;
      const line = Buffer.concat(this.header).toString('utf8');
      this.header = [];
      this.headerBytes = 0;
      this.answer(line);
    }
    this.settleIdle();
  }

  private answer(line: string): void {
    const request = this.queue[0];
    if (!request) throw new GitObjectsError(`git cat-file in ${this.dir} answered unasked: ${line.slice(0, 200)}`);
    if (line === `${request.name} missing` || line === `${request.name} ambiguous`) {
      this.queue.shift();
      request.resolve(undefined);
      return;
    }
    const match = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/.exec(line);
    if (!match) throw new GitObjectsError(`git cat-file in ${this.dir} answered "${line.slice(0, 200)}" for ${request.name}`);
    const info: ObjectInfo = { oid: match[1], type: match[2], size: Number(match[3]) };
    if (!request.limit) {
      this.queue.shift();
      request.resolve(info);
      return;
    }
    const { maxBytes, over = 'refuse' } = request.limit;
    const tooLarge = info.size > maxBytes && over === 'refuse';
    const kept = tooLarge ? 0 : Math.min(info.size, maxBytes);
    this.body = { request, info, content: Buffer.allocUnsafe(kept), remaining: info.size + 1, filled: 0, tooLarge };
  }

  /** Copies what the body still needs from `chunk` (skipping what is over the limit); the offset after it. */
  private fill(body: Body, chunk: Buffer, offset: number): number {
    const take = Math.min(body.remaining, chunk.length - offset);
    const room = body.content.length - body.filled;
    if (room > 0) body.filled += chunk.copy(body.content, body.filled, offset, offset + Math.min(take, room));
    body.remaining -= take;
    if (body.remaining === 0) {
      this.body = undefined;
      this.queue.shift();
      if (body.tooLarge) body.request.reject(new ObjectTooLargeError(body.info.oid, body.info.size, body.request.limit!.maxBytes));
      else body.request.resolve({ ...body.info, content: body.content });
    }
    return offset + take;
  }

  private armStall(): void {
    clearTimeout(this.stallTimer);
    if (this.queue.length === 0) return;
    this.stallTimer = setTimeout(() => this.stop(new GitObjectsError(`git cat-file in ${this.dir} made no progress for ${GIT_STALL_MS} ms`)), GIT_STALL_MS);
    this.stallTimer.unref();
  }

  private settleIdle(): void {
    if (this.queue.length > 0 || !this.child) return;
    clearTimeout(this.stallTimer);
    (this.child.stdout as unknown as Socket).unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private stop(error: Error): void {
    const child = this.child;
    this.child = undefined;
    if (child) {
      child.stdin.end();
      child.kill();
    }
    this.fail(error);
  }

  private fail(error: Error): void {
    clearTimeout(this.stallTimer);
    clearTimeout(this.idleTimer);
    this.body = undefined;
    this.header = [];
    this.headerBytes = 0;
    for (const request of this.queue.splice(0)) request.reject(error);
  }
}
