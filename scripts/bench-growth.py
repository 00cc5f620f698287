#!/usr/bin/env python3
"""Growth benchmarks: how a scrape's cost grows with the size of what is watched.

    scripts/bench-growth.py queues     [--sizes 200,2000,10000]
    scripts/bench-growth.py containers [--sizes 10,50,200]
    scripts/bench-growth.py postgres   [--dbs 1,10,50] [--conns 10,100,500]
    scripts/bench-growth.py plot       # docs/img/growth.png from the results file

Every series starts a fresh release binary (``--bin``, default target/release/nexo-exporter)
per size, scrapes ``/probe?target=NAME`` ``--scrapes`` times one after another and reports:
scrape latency p50/p99 (client side, keep-alive HTTP), exporter CPU per scrape (utime+stime
from /proc), the exporter's peak RSS (VmHWM; fresh process per size) and the dependency's own
CPU per scrape (its processes' CPU over the scrape loop minus its idle rate measured just
before), beside a reference measured in the same run:

* queues: the RabbitMQ plugin's own ``/metrics/detailed?family=queue_coarse_metrics&family=
  queue_consumer_count`` answer (what the exporter reads), timed the same way.
  Queues are created in a private vhost of the shared broker (one definitions import through
  the management API) and the vhost is deleted afterwards, queues with it.
* containers: dockerd's own ``GET /containers/json`` answer; containers are ``FROM scratch``
  busybox (busybox-static), named nexo-growth-PID-N, removed afterwards with their image.
* postgres: Debian's prometheus-postgres-exporter on the same private cluster (initdb in a
  temp dir, max_connections raised), its latency, CPU, RSS and the cluster's CPU per scrape.
  Idle client connections are held by this script (raw protocol, trust auth).

Results are appended to ``--out`` (default docs/bench/growth.tsv) and printed. The machine
is shared: dependency CPU includes whatever else the shared broker/daemon did meanwhile.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")
RMQ = ("127.0.0.1", 15672)
RMQ_AUTH = "Basic " + __import__("base64").b64encode(b"guest:guest").decode()
FIELDS = [
    "series", "size", "date", "scrapes", "exp_p50_ms", "exp_p99_ms", "exp_cpu_ms", "exp_peak_rss_kib",
    "dep_cpu_ms", "ref", "ref_p50_ms", "ref_p99_ms", "ref_cpu_ms", "ref_peak_rss_kib", "ref_dep_cpu_ms",
    "series_count", "loadavg", "label",
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def ticks(pid):
    """utime+stime of a live process, in clock ticks (0 once it is gone)."""
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def tree_ticks(root):
    """CPU of a process tree: the root's own and reaped children's time plus its live children's."""
    try:
        f = open(f"/proc/{root}/stat").read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    total = sum(int(x) for x in f[11:15])
    for child in children(root):
        total += ticks(child)
    return total


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def hwm_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return 0


def quantile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


class Http:
    """One keep-alive HTTP/1.1 connection, re-opened if the server closes it."""

    def __init__(self, host, port, headers=None, unix=None):
        self.host, self.port, self.headers, self.unix = host, port, headers or {}, unix
        self.conn = None

    def _connect(self):
        if self.unix:
            c = http.client.HTTPConnection("localhost", timeout=120)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.unix)
            c.sock = s
        else:
            c = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return c

    def get(self, path):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request("GET", path, headers=self.headers)
                r = self.conn.getresponse()
                body = r.read()
                if r.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, body
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def timed_loop(client, path, n, cpu_pids=(), dep=None, expect=200):
    """n sequential GETs; returns (latencies ms, exporter CPU ms/scrape, dependency CPU ms/scrape)."""
    client.get(path)  # warm: connect, first collection
    idle_rate = 0.0
    if dep is not None:
        d0, t0 = dep(), time.monotonic()
        time.sleep(3)
        idle_rate = (dep() - d0) / (time.monotonic() - t0)
    c0 = sum(ticks(p) for p in cpu_pids)
    d0 = dep() if dep else 0
    t0 = time.monotonic()
    lat = []
    for _ in range(n):
        s = time.perf_counter()
        status, _ = client.get(path)
        lat.append((time.perf_counter() - s) * 1000)
        if status != expect:
            raise SystemExit(f"GET {path} answered {status}")
    elapsed = time.monotonic() - t0
    cpu = (sum(ticks(p) for p in cpu_pids) - c0) * 1000 / TICK / n
    dep_cpu = None
    if dep is not None:
        dep_cpu = max(0.0, (dep() - d0 - idle_rate * elapsed)) * 1000 / TICK / n
    return lat, cpu, dep_cpu


def start_exporter(binary, config_text, workdir, name):
    port = free_port()
    cfg = os.path.join(workdir, f"{name}.yml")
    open(cfg, "w").write(config_text)
    log = open(os.path.join(workdir, f"{name}.log"), "w")
    p = subprocess.Popen([binary, "--config.file", cfg, "--web.listen-address", f"127.0.0.1:{port}",
                          "--log.level", "warn"], stderr=log, stdout=log)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return p, port


def stop(p):
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def record(args, row):
    row.setdefault("date", time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()))
    row.setdefault("loadavg", open("/proc/loadavg").read().split()[0])
    row.setdefault("scrapes", args.scrapes)
    row.setdefault("label", args.label)
    out = args.out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    new = not os.path.exists(out)
    with open(out, "a") as f:
        if new:
            f.write("\t".join(FIELDS) + "\n")
        f.write("\t".join(fmt(row.get(k)) for k in FIELDS) + "\n")
    print("  " + "  ".join(f"{k}={fmt(row.get(k))}" for k in FIELDS if row.get(k) is not None), flush=True)


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def summary(lat):
    return quantile(lat, 0.5), quantile(lat, 0.99)


# ---------------------------------------------------------------- RabbitMQ queues


def rmq_api(method, path, body=None):
    c = http.client.HTTPConnection(*RMQ, timeout=300)
    headers = {"Authorization": RMQ_AUTH, "content-type": "application/json"}
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    if r.status >= 300 and not (method == "DELETE" and r.status == 404):
        raise SystemExit(f"{method} {path}: {r.status} {data[:200]!r}")
    return data


def beam_pid():
    out = subprocess.run(["pgrep", "-u", "rabbitmq", "-x", "beam.smp"], capture_output=True, text=True).stdout.split()
    if not out:
        raise SystemExit("no beam.smp (RabbitMQ) process found")
    return int(out[0])


def run_queues(args):
    vhost = f"nexo-growth-{os.getpid()}"
    qv = vhost.replace("/", "%2F")
    beam = beam_pid()
    work = tempfile.mkdtemp(prefix="nexo-growth-")
    made = 0
    try:
        rmq_api("PUT", f"/api/vhosts/{qv}", {})
        rmq_api("PUT", f"/api/permissions/{qv}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
        for size in args.sizes:
            # Grow the vhost to `size` queues in one definitions import.
            queues = [{"name": f"q-{i:05d}", "vhost": vhost, "durable": False, "auto_delete": False, "arguments": {}}
                      for i in range(made, size)]
            rmq_api("POST", f"/api/definitions/{qv}", {"queues": queues})
            made = size
            plugin = Http("127.0.0.1", 15692)
            path = "/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count"
            for _ in range(120):  # the plugin sees new queues after its collection interval
                _, body = plugin.get(path)
                mine = f'rabbitmq_detailed_queue_messages_ready{{vhost="{vhost}"'.encode()
                if body.count(mine) >= size:
                    break
                time.sleep(1)
            total = sum(1 for line in body.split(b"\n") if line.startswith(b"rabbitmq_detailed_queue_messages_ready{"))
            cfg = (
                "host: {enabled: false}\ndocker: {enabled: false}\npostgres: []\nredis: []\nservices: []\n"
                "rabbitmq:\n  - name: rmq\n    amqp_url: amqp://127.0.0.1:5672/%2f\n"
                "    prometheus_url: http://127.0.0.1:15692\n    username: guest\n    password: guest\n"
                f"    max_queues: {args.max_queues}\n    timeout: 30s\n"
            ) + "".join(f"    {kv}\n" for kv in args.rabbitmq_option)
            p, port = start_exporter(args.bin, cfg, work, f"queues-{size}")
            try:
                ex = Http("127.0.0.1", port, {"X-Prometheus-Scrape-Timeout-Seconds": "60"})
                lat, cpu, dep = timed_loop(ex, "/probe?target=rmq", args.scrapes, [p.pid], lambda: tree_ticks(beam))
                _, body2 = ex.get("/probe?target=rmq")
                series = sum(1 for line in body2.split(b"\n") if line.startswith(b"rabbitmq_queue_messages_ready{"))
                rlat, _, rdep = timed_loop(plugin, path, args.scrapes, [], lambda: tree_ticks(beam))
                p50, p99 = summary(lat)
                r50, r99 = summary(rlat)
                record(args, dict(series="queues", size=size, exp_p50_ms=p50, exp_p99_ms=p99, exp_cpu_ms=cpu,
                                  exp_peak_rss_kib=hwm_kib(p.pid), dep_cpu_ms=dep, ref="plugin /metrics/detailed",
                                  ref_p50_ms=r50, ref_p99_ms=r99, ref_dep_cpu_ms=rdep,
                                  series_count=f"{series}/{total}"))
            finally:
                stop(p)
    finally:
        rmq_api("DELETE", f"/api/vhosts/{qv}")
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- Docker containers


def docker(*a, check=True):
    return subprocess.run(["docker", *a], capture_output=True, text=True, check=check).stdout


def dockerd_pid():
    out = subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True, text=True).stdout.split()
    if not out:
        raise SystemExit("no dockerd process found")
    return int(out[0])


def run_containers(args):
    prefix = f"nexo-growth-{os.getpid()}"
    image = f"{prefix}-img"
    work = tempfile.mkdtemp(prefix="nexo-growth-")
    dpid = dockerd_pid()
    try:
        shutil.copy("/usr/bin/busybox", work)
        open(os.path.join(work, "Dockerfile"), "w").write(
            'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\n')
        subprocess.run(["docker", "build", "-q", "-t", image, work], check=True, capture_output=True,
                       env={**os.environ, "DOCKER_BUILDKIT": "0"})
        made = 0
        for size in args.sizes:
            for i in range(made, size):
                docker("run", "-d", "--name", f"{prefix}-{i}", "--memory", "64m", image, "sleep", "3600")
            made = size
            cfg = (
                "host: {enabled: false}\npostgres: []\nredis: []\nrabbitmq: []\nservices: []\n"
                f"docker:\n  name_include: '{prefix}-.*'\n  timeout: 30s\n"
            )
            p, port = start_exporter(args.bin, cfg, work, f"containers-{size}")
            try:
                ex = Http("127.0.0.1", port, {"X-Prometheus-Scrape-Timeout-Seconds": "60"})
                lat, cpu, dep = timed_loop(ex, "/probe?target=docker", args.scrapes, [p.pid], lambda: ticks(dpid))
                _, body = ex.get("/probe?target=docker")
                series = sum(1 for line in body.split(b"\n")
                             if line.startswith(b"container_memory_working_set_bytes{") and prefix.encode() in line)
                ref = Http(None, None, unix="/var/run/docker.sock")
                rlat, _, rdep = timed_loop(ref, "/containers/json", args.scrapes, [], lambda: ticks(dpid))
                p50, p99 = summary(lat)
                r50, r99 = summary(rlat)
                record(args, dict(series="containers", size=size, exp_p50_ms=p50, exp_p99_ms=p99, exp_cpu_ms=cpu,
                                  exp_peak_rss_kib=hwm_kib(p.pid), dep_cpu_ms=dep, ref="dockerd GET /containers/json",
                                  ref_p50_ms=r50, ref_p99_ms=r99, ref_dep_cpu_ms=rdep, series_count=series))
            finally:
                stop(p)
    finally:
        ids = docker("ps", "-aq", "--filter", f"name=^{prefix}-", check=False).split()
        for k in range(0, len(ids), 50):
            docker("rm", "-f", *ids[k:k + 50], check=False)
        docker("rmi", "-f", image, check=False)
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- PostgreSQL


def pg_hold(port, n, dbs):
    """Opens n idle client connections (trust auth), spread over dbs, with 25 application names."""
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        params = {"user": "postgres", "database": dbs[i % len(dbs)], "application_name": f"app-{i % 25}"}
        payload = struct.pack("!i", 196608) + b"".join(k.encode() + b"\0" + v.encode() + b"\0"
                                                       for k, v in params.items()) + b"\0"
        s.sendall(struct.pack("!i", len(payload) + 4) + payload)
        buf = b""
        while True:  # until ReadyForQuery
            chunk = s.recv(65536)
            if not chunk:
                raise SystemExit(f"connection {i} refused by the server")
            buf += chunk
            if b"Z\0\0\0\x05" in buf:
                break
            if buf[:1] == b"E":
                raise SystemExit(f"connection {i}: {buf[:200]!r}")
        socks.append(s)
    return socks


def run_postgres(args):
    pgbin = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    pgbin = f"/usr/lib/postgresql/{pgbin}/bin"
    work = tempfile.mkdtemp(prefix="nexo-growth-pg-")
    os.chmod(work, 0o755)
    shutil.chown(work, "postgres")
    data = os.path.join(work, "pg")
    port = free_port()
    asp = ["runuser", "-u", "postgres", "--"]
    subprocess.run(asp + [f"{pgbin}/initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True,
                   capture_output=True)
    subprocess.run(asp + [f"{pgbin}/pg_ctl", "-D", data, "-l", os.path.join(work, "pg.log"), "-w", "-o",
                          f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c max_connections=600 "
                          "-c shared_buffers=64MB", "start"], check=True, capture_output=True)
    postmaster = int(open(os.path.join(data, "postmaster.pid")).readline())
    held = []

    def psql(sql):
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-Atc", sql],
                              check=True, capture_output=True, text=True).stdout

    try:
        made = 1
        # Connections first (one database), then databases (at the first connection count).
        combos = [(args.dbs[0], c) for c in args.conns] + [(d, args.conns[0]) for d in args.dbs[1:]]
        for ndb, nconn in combos:
            for i in range(made, ndb):
                psql(f"CREATE DATABASE bench_{i}")
            made = max(made, ndb)
            dbs = ["postgres"] + [f"bench_{i}" for i in range(1, ndb)]
            for s in held:
                s.close()
            time.sleep(0.5)
            held = pg_hold(port, nconn, dbs)
            cfg = (
                "host: {enabled: false}\ndocker: {enabled: false}\nredis: []\nrabbitmq: []\nservices: []\n"
                f"postgres:\n  - name: pg\n    host: 127.0.0.1\n    port: {port}\n    user: postgres\n"
                "    timeout: 30s\n"
            )
            p, eport = start_exporter(args.bin, cfg, work, f"pg-{ndb}-{nconn}")
            peer_port = free_port()
            peer = subprocess.Popen(
                ["prometheus-postgres-exporter", f"--web.listen-address=127.0.0.1:{peer_port}"],
                env={**os.environ,
                     "DATA_SOURCE_NAME": f"postgresql://postgres@127.0.0.1:{port}/postgres?sslmode=disable"},
                stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "peer.log"), "w"))
            try:
                for _ in range(100):
                    try:
                        socket.create_connection(("127.0.0.1", peer_port), timeout=0.2).close()
                        break
                    except OSError:
                        time.sleep(0.1)
                cluster = lambda: tree_ticks(postmaster)  # noqa: E731
                ex = Http("127.0.0.1", eport, {"X-Prometheus-Scrape-Timeout-Seconds": "60"})
                lat, cpu, dep = timed_loop(ex, "/probe?target=pg", args.scrapes, [p.pid], cluster)
                _, body = ex.get("/probe?target=pg")
                series = sum(1 for line in body.split(b"\n") if line and not line.startswith(b"#"))
                pc = Http("127.0.0.1", peer_port)
                rlat, rcpu, rdep = timed_loop(pc, "/metrics", args.scrapes, [peer.pid], cluster)
                p50, p99 = summary(lat)
                r50, r99 = summary(rlat)
                record(args, dict(series="postgres", size=f"{ndb}db/{nconn}conn", exp_p50_ms=p50, exp_p99_ms=p99,
                                  exp_cpu_ms=cpu, exp_peak_rss_kib=hwm_kib(p.pid), dep_cpu_ms=dep,
                                  ref="postgres_exporter 0.11", ref_p50_ms=r50, ref_p99_ms=r99, ref_cpu_ms=rcpu,
                                  ref_peak_rss_kib=hwm_kib(peer.pid), ref_dep_cpu_ms=rdep, series_count=series))
            finally:
                stop(p)
                stop(peer)
    finally:
        for s in held:
            s.close()
        subprocess.run(asp + [f"{pgbin}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- plot


def run_plot(args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [dict(zip(FIELDS, line.rstrip("\n").split("\t"))) for line in open(args.out).readlines()[1:]]
    if args.label:
        rows = [r for r in rows if r.get("label", "") == args.label]
    latest = {}
    for r in rows:  # the last run of each (series, size) wins
        latest[(r["series"], r["size"])] = r
    rows = list(latest.values())
    conn = lambda r: int(r["size"].split("/")[1].removesuffix("conn"))  # noqa: E731
    panels = [
        ("RabbitMQ queues", [r for r in rows if r["series"] == "queues"], lambda r: int(r["size"])),
        ("containers", [r for r in rows if r["series"] == "containers"], lambda r: int(r["size"])),
        ("PostgreSQL client connections (1 database)",
         [r for r in rows if r["series"] == "postgres" and r["size"].startswith("1db/")], conn),
        ("PostgreSQL databases (10 connections)",
         [r for r in rows if r["series"] == "postgres" and r["size"].endswith("/10conn")],
         lambda r: int(r["size"].split("db")[0])),
    ]
    fig, axes = plt.subplots(3, 4, figsize=(18, 11))
    for col, (title, sub, f) in enumerate(panels):
        sub = sorted(sub, key=f)
        ax_l, ax_c, ax_m = axes[0][col], axes[1][col], axes[2][col]
        ax_l.set_title(title, fontsize=10)
        if sub:
            x = [f(r) for r in sub]
            num = lambda k: [float(r[k]) if r[k] != "-" else float("nan") for r in sub]  # noqa: E731
            ref = sub[0]["ref"]
            ax_l.plot(x, num("exp_p50_ms"), "o-", label="nexo-exporter p50")
            ax_l.plot(x, num("exp_p99_ms"), "o--", label="nexo-exporter p99")
            ax_l.plot(x, num("ref_p50_ms"), "s-", label=f"{ref} p50")
            ax_l.plot(x, num("ref_p99_ms"), "s--", label=f"{ref} p99")
            ax_c.plot(x, num("exp_cpu_ms"), "o-", label="nexo-exporter CPU")
            ax_c.plot(x, num("dep_cpu_ms"), "^-", label="dependency CPU per nexo-exporter scrape")
            if sub[0]["ref_cpu_ms"] != "-":
                ax_c.plot(x, num("ref_cpu_ms"), "s-", label=f"{ref} CPU")
            ax_c.plot(x, num("ref_dep_cpu_ms"), "v-", label=f"dependency CPU per {ref.split(' GET')[0]} answer")
            ax_m.plot(x, [v / 1024 for v in num("exp_peak_rss_kib")], "o-", label="nexo-exporter peak RSS")
            if sub[0]["ref_peak_rss_kib"] != "-":
                ax_m.plot(x, [v / 1024 for v in num("ref_peak_rss_kib")], "s-", label=f"{ref} peak RSS")
        ax_l.set_ylabel("scrape latency, ms")
        ax_c.set_ylabel("CPU per scrape, ms")
        ax_m.set_ylabel("peak RSS, MiB")
        ax_m.set_xlabel("size")
        for ax in (ax_l, ax_c, ax_m):
            ax.set_xscale("log")
            ax.set_ylim(bottom=0)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
    fig.suptitle(args.title or "nexo-exporter: cost of one scrape as the watched work grows (2-core shared VM)")
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.png), exist_ok=True)
    fig.savefig(args.png, dpi=80)
    print(f"wrote {args.png}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("series", choices=["queues", "containers", "postgres", "plot"])
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                  "release", "nexo-exporter"))
    ap.add_argument("--scrapes", type=int, default=60)
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--dbs", default="1,10,50")
    ap.add_argument("--conns", default="10,100,500")
    ap.add_argument("--max-queues", type=int, default=20000)
    ap.add_argument("--rabbitmq-option", action="append", default=[],
                    help="one more 'key: value' line of the RabbitMQ target (queues), e.g. 'node_metrics: false'")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "bench", "growth.tsv"))
    ap.add_argument("--png", default=os.path.join(ROOT, "docs", "img", "growth.png"))
    ap.add_argument("--label", default="", help="tag of the run (e.g. before/after), kept in the results file")
    ap.add_argument("--title", default="")
    args = ap.parse_args()
    default_sizes = {"queues": "200,2000,10000", "containers": "10,50,200"}
    args.sizes = [int(x) for x in (args.sizes or default_sizes.get(args.series, "0")).split(",")]
    args.dbs = [int(x) for x in args.dbs.split(",")]
    args.conns = [int(x) for x in args.conns.split(",")]
    if args.series != "plot" and not os.access(args.bin, os.X_OK):
        raise SystemExit(f"{args.bin} not found: cargo build --release first")
    print(f"{args.series}: {args.bin}, {args.scrapes} scrapes per size, load average "
          f"{open('/proc/loadavg').read().split()[0]}", flush=True)
    {"queues": run_queues, "containers": run_containers, "postgres": run_postgres, "plot": run_plot}[args.series](args)


if __name__ == "__main__":
    sys.exit(main())
