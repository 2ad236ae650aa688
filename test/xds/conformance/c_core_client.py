"""A proxyless gRPC client on gRPC C-core (Debian's python3-grpcio), driven by the conformance suite.

Run with Debian's /usr/bin/python3, GRPC_XDS_BOOTSTRAP_CONFIG set. It reads one JSON command per
line on stdin ({"id", "target", "count", "concurrency", "metadata", "request", "deadlineMs"}), makes
the unary echo calls on a channel that lives as long as the process (so pushed config reaches the
same channel and xDS stream), and writes one JSON line per call ({"id", "backend"} or
{"id", "code", "message"}, with "ms"), then {"id", "done": true}. The first line is {"ready": ...}.
"""
import json
import sys
import threading
import time

import grpc

ECHO_PATH = '/meshplane.test.Echo/Call'
channels = {}
out_lock = threading.Lock()


def emit(message):
    with out_lock:
        sys.stdout.write(json.dumps(message) + '\n')
        sys.stdout.flush()


def call_for(target):
    if target not in channels:
        channel = grpc.insecure_channel(target)
        channels[target] = channel.unary_unary(
            ECHO_PATH,
            request_serializer=lambda value: json.dumps(value).encode(),
            response_deserializer=lambda data: json.loads(data.decode() or '{}'),
        )
    return channels[target]


def run(command):
    call = call_for(command['target'])
    metadata = tuple((key, value) for key, value in (command.get('metadata') or {}).items())
    request = command.get('request') or {}
    timeout = command.get('deadlineMs', 10000) / 1000.0
    remaining = [command['count']]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.monotonic()
            try:
                reply = call(request, metadata=metadata, timeout=timeout)
                emit({'id': command['id'], 'backend': reply.get('backend'), 'ms': round((time.monotonic() - started) * 1000)})
            except grpc.RpcError as error:
                emit({'id': command['id'], 'code': error.code().name, 'message': error.details(), 'ms': round((time.monotonic() - started) * 1000)})

    workers = [threading.Thread(target=worker) for _ in range(command.get('concurrency') or 1)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    emit({'id': command['id'], 'done': True})


def main():
    emit({'ready': True, 'grpc': grpc.__version__})
    for line in sys.stdin:
        if line.strip():
            threading.Thread(target=run, args=(json.loads(line),), daemon=True).start()


if __name__ == '__main__':
    main()
