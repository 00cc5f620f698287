#!/usr/bin/env python3
"""How long a scrape of a garbage endpoint takes: PostgreSQL, Redis, AMQP and HTTP targets
pointed at local TCP servers that answer every connection with bytes of another protocol.

    scripts/bench-garbage.py [--bin target/release/nexo-exporter] [--scrapes 10]

Each target has a 5 s timeout and the scrapes announce a 10 s budget, so a probe that waits
for its deadline instead of recognising the garbage shows up as ~5,000 ms. Prints, per
target, the *_up value, scrape latency p50/max over --scrapes scrapes (client side) and the
exporter's log line for the failure. Scrapes are 2.1 s apart, longer than the probes'
reconnect backoff, so every scrape makes a fresh connection attempt to the garbage server.
"""
import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GARBAGE = {
    "postgres": b"HTTP/1.1 400 Bad Request\r\nX: \x00\xff\r\n\r\nnonsense",
    "redis": b"HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff$-7\r\n*99999999\r\n",
    "amqp": b"SSH-2.0-OpenSSH_9.6\r\n\x00\xff garbage \x01\x02",
    "http": b"\x00\x01\x02 not http at all\r\n\r\n",
}


def garbage_server(payload):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)

    def serve(c):
        try:
            for _ in range(500):  # keeps the connection open for 10 s, as a live service would
                c.sendall(payload)
                time.sleep(0.02)
        except OSError:
            pass
        finally:
            c.close()

    def accept():
        while True:
            c, _ = ls.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return ls.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                  "release", "nexo-exporter"))
    ap.add_argument("--scrapes", type=int, default=10)
    args = ap.parse_args()
    ports = {k: garbage_server(v) for k, v in GARBAGE.items()}
    # The RabbitMQ target's HTTP source is a garbage server too; its AMQP side is the SSH banner.
    cfg = (
        "global:\n  timeout: 5s\nhost: {enabled: false}\ndocker: {enabled: false}\n"
        f"postgres:\n  - name: pg-junk\n    host: 127.0.0.1\n    port: {ports['postgres']}\n"
        f"redis:\n  - name: redis-junk\n    url: redis://127.0.0.1:{ports['redis']}\n"
        f"rabbitmq:\n  - name: amqp-junk\n    amqp_url: amqp://127.0.0.1:{ports['amqp']}/%2f\n"
        f"    prometheus_url: http://127.0.0.1:{ports['http']}\n"
        f"services:\n  - name: http-junk\n    url: http://127.0.0.1:{ports['http']}/health\n"
    )
    work = tempfile.mkdtemp(prefix="nexo-garbage-")
    open(os.path.join(work, "c.yml"), "w").write(cfg)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    log_path = os.path.join(work, "exporter.log")
    p = subprocess.Popen([args.bin, "--config.file", os.path.join(work, "c.yml"), "--web.listen-address",
                          f"127.0.0.1:{port}", "--log.level", "debug"], stderr=open(log_path, "w"))
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"{'target':<12} {'up metric':<16} {'value':>5} {'p50 ms':>8} {'max ms':>8}  log")
        for target, up in [("pg-junk", "pg_up"), ("redis-junk", "redis_up"), ("amqp-junk", "rabbitmq_up"),
                           ("http-junk", "probe_success")]:
            lat, value = [], None
            for _ in range(args.scrapes):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                t = time.perf_counter()
                c.request("GET", f"/probe?target={target}", headers={"X-Prometheus-Scrape-Timeout-Seconds": "10"})
                body = c.getresponse().read().decode()
                lat.append((time.perf_counter() - t) * 1000)
                c.close()
                time.sleep(2.1)  # past the reconnect backoff (at most 2 s): every scrape connects anew
                for line in body.splitlines():
                    if line.startswith(up + " ") or line.startswith(up + "{"):
                        value = line.rsplit(" ", 1)[1]
            lat.sort()
            logline = next((ln.strip() for ln in open(log_path) if f"target={target}" in ln and "fail" in ln), "")
            print(f"{target:<12} {up:<16} {value:>5} {lat[len(lat) // 2]:8.1f} {lat[-1]:8.1f}  {logline}")
    finally:
        p.terminate()
        p.wait()


if __name__ == "__main__":
    sys.exit(main())
