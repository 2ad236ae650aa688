// Parsing a large file takes the `yaml` library hundreds of milliseconds of synchronous work (about
// a second for 1 MiB): on the daemon's thread that would stall xDS streams, /healthz and webhooks.
// Files from OFF_THREAD_BYTES up are parsed on one worker thread, started on first use; smaller ones
// (every real mesh file) inline, where a message round trip would cost more than the parse.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromPortable, parseFile, ParsedFile, PortableParse } from '../../provider/load/parsed-document';

export const OFF_THREAD_BYTES = 64 * 1024;

type Format = 'yaml' | 'json';

interface Waiting {
  resolve(parsed: PortableParse): void;
  reject(error: Error): void;
}

let worker: Worker | undefined;
const waiting = new Map<number, Waiting>();
let nextId = 0;

export async function parseOffThread(text: string, format: Format): Promise<ParsedFile> {
  if (text.length < OFF_THREAD_BYTES) return parseFile(text, format);
  return fromPortable(await inWorker(text, format));
}

function inWorker(text: string, format: Format): Promise<PortableParse> {
  const thread = worker ?? startWorker();
  const id = nextId++;
  return new Promise<PortableParse>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    thread.ref(); // a parse under way keeps a CLI process alive; an idle worker does not
    thread.postMessage({ id, text, format });
  });
}

function startWorker(): Worker {
  const thread = new Worker(path.join(__dirname, 'parse-worker.js'));
  const settle = (id: number) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) thread.unref();
    return entry;
  };
  const failAll = (error: Error) => {
    if (worker === thread) worker = undefined;
    for (const id of [...waiting.keys()]) settle(id)?.reject(error);
  };
  thread.on('message', ({ id, parsed }: { id: number; parsed: PortableParse }) => settle(id)?.resolve(parsed));
  thread.on('error', failAll);
  thread.on('exit', (code) => failAll(new Error(`the YAML parsing thread exited (code ${code})`)));
  thread.unref();
  worker = thread;
  return thread;
}
