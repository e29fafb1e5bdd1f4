#!/usr/bin/env python3
"""Runs the RPC benchmark for Sextant and its two peers back to back, over TLS on loopback.

usage: scripts/bench-rpc.py [--seconds 5] [--warmup 2] [--reps 3] [--out results.jsonl]
                            [--impls nio,grpc,sextant] [--cases unary:1,unary:64,stream:1]

Each implementation's server runs as its own process; each case runs its client as a separate
process. CPU is measured the same way for all three: the client's user+system time from wait4()
over its whole life, the server's from /proc/<pid>/stat over the same span, each divided by the
client's wall time ("cores busy"). CPU per message = (client cores + server cores) / rate.
Prints one JSON line per run, then a Markdown summary (medians) with the ratios.
"""
import argparse, json, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(os.path.dirname(ROOT), "shared", "peers")
IMPLS = {
    "nio": {"name": "nio-raw", "bin": os.path.join(ROOT, ".build-nio-ceiling/release/nio-ceiling-bench"),
            "server": ["--tls"], "client": ["--tls"], "port": 50562},
    "grpc": {"name": "grpc-swift-2", "bin": os.path.join(ROOT, ".build-grpc-echo/release/grpc-echo-bench"),
             "server": ["--tls"], "client": ["--tls"], "port": 50552},
    "sextant": {"name": "sextant", "bin": os.path.join(ROOT, ".build/release/sextant-bench"),
                "server": ["--tls", "--certs-dir", "/tmp/sextant-bench-certs"],
                "client": ["--tls", "--certs-dir", "/tmp/sextant-bench-certs"], "port": 50572},
}
HZ = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        rest = f.read()
    rest = rest[rest.rindex(b")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / HZ


def start_server(impl):
    spec = IMPLS[impl]
    log = open(f"/tmp/bench-rpc-server-{impl}.log", "w")
    proc = subprocess.Popen([spec["bin"], "server", "--port", str(spec["port"])] + spec["server"],
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        time.sleep(0.1)
        with open(f"/tmp/bench-rpc-server-{impl}.log") as f:
            if '"listening"' in f.read():
                return proc
        if proc.poll() is not None:
            break
    raise SystemExit(f"{impl} server did not start; see /tmp/bench-rpc-server-{impl}.log")


def run_client(impl, server, mode, concurrency, args):
    spec = IMPLS[impl]
    cmd = [spec["bin"], "client", "--port", str(spec["port"]), "--mode", mode, "--payload", "100",
           "--concurrency", str(concurrency), "--seconds", str(args.seconds), "--warmup", str(args.warmup)]
    cmd += spec["client"]
    if impl == "sextant":
        cmd += ["--server-pid", str(server.pid)]
    load = float(open("/proc/loadavg").read().split()[0])
    server_before = proc_cpu(server.pid)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    server_after = proc_cpu(server.pid)
    lines = [l for l in out.decode().splitlines() if l.startswith("{")]
    if status != 0 or not lines:
        raise SystemExit(f"{impl} client failed ({status}): {err.decode()[-2000:]}")
    row = json.loads(lines[-1])
    row["impl"] = spec["name"]
    rate = row["rps"] if mode == "unary" else row["msgs_per_s"]
    client_cores = (usage.ru_utime + usage.ru_stime) / wall
    server_cores = (server_after - server_before) / wall
    row.update({
        "loadavg1_before": load,
        "client_cores": round(client_cores, 3),
        "server_cores": round(server_cores, 3),
        "cpu_us_per_msg": round((client_cores + server_cores) / rate * 1e6, 3) if rate else None,
    })
    return row


def median(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarize(rows):
    cases = []
    for r in rows:
        case = (r["mode"], int(r["concurrency"]))
        if case not in cases:
            cases.append(case)
    by = {}
    for r in rows:
        by.setdefault((r["impl"], r["mode"], int(r["concurrency"])), []).append(r)
    out = ["| case | impl | runs | rate (median) | p50 µs | p99 µs | client cores | server cores | CPU µs/msg |",
           "|---|---|---|---|---|---|---|---|---|"]
    for mode, conc in cases:
        for impl in ("nio-raw", "grpc-swift-2", "sextant"):
            rs = by.get((impl, mode, conc))
            if not rs:
                continue
            key = "rps" if mode == "unary" else "msgs_per_s"
            p50 = median(rs, "p50_us")
            p99 = median(rs, "p99_us")
            out.append(f"| {mode} c={conc} | {impl} | {len(rs)} | {median(rs, key):,.0f} {'calls' if mode == 'unary' else 'msgs'}/s | "
                       f"{p50 if p50 is not None else '–'} | {p99 if p99 is not None else '–'} | {median(rs, 'client_cores'):.2f} | "
                       f"{median(rs, 'server_cores'):.2f} | {median(rs, 'cpu_us_per_msg'):.2f} |")
    out += ["", "| case | Sextant / grpc-swift (rate) | grpc p50 / Sextant p50 | grpc p99 / Sextant p99 | Sextant share of the ceiling | CPU µs/msg Sextant / grpc / ceiling |",
            "|---|---|---|---|---|---|"]
    for mode, conc in cases:
        key = "rps" if mode == "unary" else "msgs_per_s"
        s, g, n = (by.get((i, mode, conc)) for i in ("sextant", "grpc-swift-2", "nio-raw"))
        if not s:
            continue
        def ratio(a, b):
            return f"{a / b:.1f}×" if a and b else "–"
        rate_s = median(s, key)
        rate_g = median(g, key) if g else None
        rate_n = median(n, key) if n else None
        p50 = ratio(median(g, "p50_us"), median(s, "p50_us")) if g and mode == "unary" else "–"
        p99 = ratio(median(g, "p99_us"), median(s, "p99_us")) if g and mode == "unary" else "–"
        share = f"{rate_s / rate_n:.0%}" if rate_n else "–"
        cpu = " / ".join(f"{median(x, 'cpu_us_per_msg'):.2f}" if x else "–" for x in (s, g, n))
        out.append(f"| {mode} c={conc} | {ratio(rate_s, rate_g)} | {p50} | {p99} | {share} | {cpu} |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", default=f"/tmp/bench-rpc-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.jsonl")
    parser.add_argument("--impls", default="nio,grpc,sextant")
    parser.add_argument("--cases", default="unary:1,unary:64,stream:1")
    args = parser.parse_args()
    impls = args.impls.split(",")
    for impl in impls:
        if not os.access(IMPLS[impl]["bin"], os.X_OK):
            raise SystemExit(f"missing {IMPLS[impl]['bin']}: build it first (see BENCHMARKS.md)")
    rows = []
    print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, {os.cpu_count()} cores, {args.seconds} s × {args.reps}, warm-up {args.warmup} s, TLS, 100-byte payload", file=sys.stderr)
    for impl in impls:
        server = start_server(impl)
        try:
            for rep in range(args.reps):
                for case in args.cases.split(","):
                    mode, conc = case.split(":")
                    row = run_client(impl, server, mode, int(conc), args)
                    row["rep"] = rep + 1
                    rows.append(row)
                    with open(args.out, "a") as f:
                        f.write(json.dumps(row) + "\n")
                    print(json.dumps(row), file=sys.stderr)
        finally:
            server.terminate()
            server.wait()
    print(summarize(rows))
    print(f"\n(raw runs in {args.out})", file=sys.stderr)


if __name__ == "__main__":
    main()
