// The worker thread of parse-off-thread.ts: parses the files it is sent and posts the plain result back.
import { parentPort } from 'node:worker_threads';
import { parsePortable } from '../../provider/load/parsed-document';

parentPort?.on('message', ({ id, text, format }: { id: number; text: string; format: 'yaml' | 'json' }) => {
  parentPort!.postMessage({ id, parsed: parsePortable(text, format) });
});
