#!/usr/bin/env python3
"""The exporter's default scrape beside the peer stack it replaces, measured in one run.

    scripts/bench-peers.py [--bin target/release/nexo-exporter] [--scrapes 200] [--rounds 3]

Starts, on free loopback ports, nexo-exporter with the host, PostgreSQL and Redis probes (the
shared services on 5432 and 6379) and Debian's node_exporter, postgres_exporter and
redis_exporter against the same services, each with its defaults. Then, ``--rounds`` times,
alternately (so the machine's load weighs on both alike):

* ``--scrapes`` sequential scrapes of nexo-exporter's ``/metrics`` over one keep-alive
  connection, timed client side;
* ``--scrapes`` scrapes of the stack: the three peers' ``/metrics`` fetched concurrently, as
  Prometheus would, each stack scrape timed until the slowest answered.

CPU per scrape is the utime+stime of the exporter's process (of the three peers' processes for
the stack) over the loop divided by the scrapes; RSS is each process's VmHWM at the end (summed
for the stack). The peers keep their default collectors; nexo-exporter runs its default
families (the drop-in node_exporter, postgres_exporter and redis_exporter ones included).
"""
import argparse
import importlib.util
import os
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("growth", os.path.join(HERE, "bench-growth.py"))
g = importlib.util.module_from_spec(spec)
spec.loader.exec_module(g)

CONFIG = """host:
  enabled: true
docker:
  enabled: false
postgres:
  - name: postgres
    dsn: postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable
redis:
  - name: redis
    url: redis://127.0.0.1:6379
"""


def wait_port(port):
    for _ in range(100):
        try:
            g.socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


def start_peers(workdir):
    ports = {k: g.free_port() for k in ("node", "postgres", "redis")}
    env = dict(os.environ, DATA_SOURCE_NAME="postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable")
    cmds = {
        "node": ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{ports['node']}"],
        "postgres": ["prometheus-postgres-exporter", f"--web.listen-address=127.0.0.1:{ports['postgres']}"],
        "redis": ["prometheus-redis-exporter", f"-web.listen-address=127.0.0.1:{ports['redis']}",
                  "-redis.addr=redis://127.0.0.1:6379"],
    }
    procs = {}
    for k, cmd in cmds.items():
        log = open(os.path.join(workdir, f"{k}.log"), "w")
        procs[k] = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    for k in cmds:
        wait_port(ports[k])
    return procs, ports


def stack_loop(clients, n, pids):
    """n stack scrapes: the peers fetched concurrently, timed until the slowest answered."""
    for c in clients:
        c.get("/metrics")
    c0 = sum(g.ticks(p) for p in pids)
    lat = []
    for _ in range(n):
        out = [None] * len(clients)

        def one(i):
            out[i] = clients[i].get("/metrics")[0]

        s = time.perf_counter()
        ts = [threading.Thread(target=one, args=(i,)) for i in range(len(clients))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        lat.append((time.perf_counter() - s) * 1000)
        if any(x != 200 for x in out):
            raise SystemExit(f"a peer answered {out}")
    return lat, (sum(g.ticks(p) for p in pids) - c0) * 1000 / g.TICK / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(g.ROOT, "target", "release", "nexo-exporter"))
    ap.add_argument("--scrapes", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="nexo-peers.")
    nexo, port = g.start_exporter(args.bin, CONFIG, work, "nexo")
    peers, ports = start_peers(work)
    try:
        client = g.Http("127.0.0.1", port)
        series = g.Http("127.0.0.1", port).get("/metrics")[1].decode().count("\n")
        peer_series = sum(g.Http("127.0.0.1", p).get("/metrics")[1].decode().count("\n") for p in ports.values())
        clients = [g.Http("127.0.0.1", p) for p in ports.values()]
        pids = [p.pid for p in peers.values()]
        print(f"nexo-exporter: {series} lines per scrape; peers: {peer_series} lines per stack scrape")
        print(f"{'round':<6} {'who':<14} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/scrape':>14} {'load':>6}")
        for r in range(1, args.rounds + 1):
            lat, cpu, _ = g.timed_loop(client, "/metrics", args.scrapes, cpu_pids=[nexo.pid])
            print(f"{r:<6} {'nexo-exporter':<14} {g.quantile(lat, .5):8.2f} {g.quantile(lat, .99):8.2f} {cpu:14.2f} "
                  f"{open('/proc/loadavg').read().split()[0]:>6}", flush=True)
            lat, cpu = stack_loop(clients, args.scrapes, pids)
            print(f"{r:<6} {'peer stack':<14} {g.quantile(lat, .5):8.2f} {g.quantile(lat, .99):8.2f} {cpu:14.2f} "
                  f"{open('/proc/loadavg').read().split()[0]:>6}", flush=True)
        hwm = {k: g.hwm_kib(p.pid) for k, p in peers.items()}
        print(f"peak RSS (VmHWM): nexo-exporter {g.hwm_kib(nexo.pid) / 1024:.1f} MiB; peers "
              + ", ".join(f"{k} {v / 1024:.1f}" for k, v in hwm.items())
              + f" = {sum(hwm.values()) / 1024:.1f} MiB")
    finally:
        g.stop(nexo)
        for p in peers.values():
            g.stop(p)


if __name__ == "__main__":
    main()
