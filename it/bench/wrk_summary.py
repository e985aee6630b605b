#!/usr/bin/env python3
"""Summarises the wrk outputs of full-path-bench.sh and soak.sh as JSON (stdlib only).

    python3 it/bench/wrk_summary.py fullpath OUT ROUNDS   -> OUT/fullpath.json
    python3 it/bench/wrk_summary.py churn OUT             -> OUT/churn.json
"""
import json
import os
import re
import statistics
import sys


def ms(value):
    m = re.match(r"([\d.]+)(us|ms|s)", value)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


def parse(path):
    text = open(path).read()
    lat = {p: ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    status = re.search(r"status 2xx=(\d+) 4xx=(\d+) 5xx=(\d+) other=(\d+)", text)
    out = {
        "requestsPerSecond": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "p50ms": lat.get("50"),
        "p99ms": lat.get("99"),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socketErrors": sum(int(x) for x in sock.groups()) if sock else 0,
    }
    cpu = re.search(r"Server CPU: \d+ ms for \d+ requests, (\d+) us/request", text)
    if cpu:
        out["serverCpuMicrosPerRequest"] = int(cpu.group(1))
    if status:
        out["status"] = dict(zip(("2xx", "4xx", "5xx", "other"), (int(x) for x in status.groups())))
    return out


SIDES = ("bare", "portcullis", "frame", "logger")
LABELS = {"bare": "bare", "portcullis": "portcullis", "frame": "frame (no decisions)",
          "logger": "portcullis, decision log via slf4j-simple"}


def fullpath(out, rounds):
    sides = [s for s in SIDES if os.path.exists(f"{out}/fullpath-{s}-1.txt")]
    res = {"rounds": []}
    for r in range(1, rounds + 1):
        row = {s: parse(f"{out}/fullpath-{s}-{r}.txt") for s in sides}
        for s in sides[1:]:
            row[f"ratio_{s}"] = row[s]["requestsPerSecond"] / row["bare"]["requestsPerSecond"]
        row["ratio"] = row["ratio_portcullis"]
        res["rounds"].append(row)
    for side in sides:
        rows = [r[side] for r in res["rounds"]]
        res[side] = {k: statistics.median(x[k] for x in rows) for k in ("requestsPerSecond", "p50ms", "p99ms")}
    # each round measures the servers one right after the other: the median of those paired
    # ratios is what load drift between rounds moves least
    res["ratio"] = statistics.median(r["ratio"] for r in res["rounds"])
    res["ratios"] = {s: statistics.median(r[f"ratio_{s}"] for r in res["rounds"]) for s in sides[1:]}
    if all("serverCpuMicrosPerRequest" in r[s] for r in res["rounds"] for s in sides):
        for side in sides:
            res[side]["serverCpuMicrosPerRequest"] = statistics.median(
                r[side]["serverCpuMicrosPerRequest"] for r in res["rounds"])
        res["cpuRatio"] = res["bare"]["serverCpuMicrosPerRequest"] / res["portcullis"]["serverCpuMicrosPerRequest"]
        print("server CPU per request (median of the rounds): "
              + ", ".join("%s %d us" % (LABELS[s], res[s]["serverCpuMicrosPerRequest"]) for s in sides))
    json.dump(res, open(f"{out}/fullpath.json", "w"), indent=2)
    for i, r in enumerate(res["rounds"], 1):
        print("round %d: " % i + "; ".join("%s %.0f req/s (p50 %.2f ms, p99 %.2f ms)%s"
              % (LABELS[s], r[s]["requestsPerSecond"], r[s]["p50ms"], r[s]["p99ms"],
                 "" if s == "bare" else ", ratio %.3f" % r[f"ratio_{s}"]) for s in sides))
    for s in sides[1:]:
        print("full path: %s / bare requests per second (median of the rounds' ratios) %.1f%%%s"
              % (LABELS[s], 100 * res["ratios"][s], " (goal >= 90%)" if s == "portcullis" else ""))


def churn(out):
    res = {}
    for alg in ("RS256", "ES256", "EdDSA"):
        j = parse(f"{out}/churn-{alg}-jdk.txt")
        a = parse(f"{out}/churn-{alg}-accp.txt")
        res[alg] = {"jdk": j, "accp": a, "ratio": a["requestsPerSecond"] / j["requestsPerSecond"]}
        print("churn %-5s: JDK %.0f req/s (p50 %.2f ms, p99 %.2f ms), ACCP %.0f req/s (p50 %.2f ms, p99 %.2f ms), ACCP/JDK %.2fx"
              % (alg, j["requestsPerSecond"], j["p50ms"], j["p99ms"], a["requestsPerSecond"], a["p50ms"], a["p99ms"], res[alg]["ratio"]))
    json.dump(res, open(f"{out}/churn.json", "w"), indent=2)


if __name__ == "__main__":
    if sys.argv[1] == "fullpath":
        fullpath(sys.argv[2], int(sys.argv[3]))
    else:
        churn(sys.argv[2])
