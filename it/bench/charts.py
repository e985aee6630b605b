#!/usr/bin/env python3
"""Draws the benchmark charts as SVG (stdlib only; no plotting library is needed).

    python3 it/bench/charts.py [JMH_DIR [CHART_DIR]]     # defaults: it/target/jmh docs/bench

Reads what the bench scripts wrote and draws whatever is there:
  coldpath-jdk17.json, coldpath-jdk25.json (ColdPathBench, -p provider=jdk,AmazonCorrettoCryptoProvider;
      coldpath-<ALG>-<runtime>-rerun.json, a later run of one algorithm, replaces its rows)
      -> coldpath.svg: median verification per algorithm, jose4j and Portcullis on each runtime/provider
  fullpath.json, churn.json (full-path-bench.sh)
      -> http.svg: requests/s with and without Portcullis, and token churn per algorithm and provider
  pac4j.json (Pac4jBench -prof gc: bare servlet, Portcullis and pac4j on the same Jetty)
      -> pac4j-alloc.svg: KB allocated per request
  pac4j-interleaved*.json (Pac4jInterleaved: the same three sides, requests alternated)
      -> pac4j-latency.svg: p50 and p99 per request (per case the run with the most requests)
"""
import json
import os
import sys
from html import escape

COLOURS = ["#8c8c8c", "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"]


def bar_chart(path, title, unit, groups, series, log=False, left=110):
    """groups: [(label, [value or None per series])]; series: [name]; left: room for the labels (px)."""
    bar_h, gap, right, top = 14, 10, 150, 40
    height = top + len(groups) * (len(series) * bar_h + gap) + 30 + 18 * len(series)
    width = 760
    values = [v for _, vs in groups for v in vs if v]
    vmax = max(values) if values else 1
    import math

    def scale(v):
        if log:
            lo = math.log10(min(values) / 2)
            return (math.log10(v) - lo) / (math.log10(vmax * 1.1) - lo) * (width - left - right)
        return v / (vmax * 1.1) * (width - left - right)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    y = top
    for label, vs in groups:
        block = len(series) * bar_h
        out.append(f'<text x="{left - 8}" y="{y + block / 2 + 4}" text-anchor="end">{escape(label)}</text>')
        for i, v in enumerate(vs):
            if v:
                w = max(scale(v), 1)
                out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{COLOURS[i % len(COLOURS)]}"/>')
                out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}">{v:,.1f} {escape(unit)}</text>')
            y += bar_h
        y += gap
    y += 10
    for i, name in enumerate(series):
        out.append(f'<rect x="{left}" y="{y + 18 * i}" width="12" height="12" fill="{COLOURS[i % len(COLOURS)]}"/>')
        out.append(f'<text x="{left + 18}" y="{y + 18 * i + 10}">{escape(name)}</text>')
    if log:
        out.append(f'<text x="{width - 10}" y="{height - 6}" text-anchor="end" fill="#666">logarithmic scale</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", path)


def median(bench):
    return bench["primaryMetric"]["scorePercentiles"]["50.0"]


def coldpath(jmh, charts):
    runs = {}
    for runtime in ("jdk17", "jdk25"):
        path = os.path.join(jmh, f"coldpath-{runtime}.json")
        if os.path.exists(path):
            runs[runtime] = json.load(open(path))
            # a later run of some algorithms alone (coldpath-ES256-jdk17-rerun.json) replaces their rows
            for name in sorted(os.listdir(jmh)):
                if name.startswith("coldpath-") and name.endswith(f"-{runtime}-rerun.json"):
                    again = json.load(open(os.path.join(jmh, name)))
                    redone = {b["params"]["alg"] for b in again}
                    runs[runtime] = [b for b in runs[runtime] if b["params"]["alg"] not in redone] + again
    if not runs:
        return
    series = []
    table = {}
    for runtime, data in runs.items():
        for b in data:
            side = b["benchmark"].rsplit(".", 1)[1]
            alg = b["params"]["alg"]
            provider = b["params"].get("provider", "jdk")
            if side == "jose4j":
                if provider != "jdk":
                    continue  # jose4j always runs on the JDK: one of its rows is enough
                name = f"raw jose4j, {runtime.upper()}"
            else:
                name = f"Portcullis, {runtime.upper()}" + ("" if provider == "jdk" else " + ACCP")
            if name not in series:
                series.append(name)
            table[(alg, name)] = median(b)
    algs = [a for a in ("RS256", "PS256", "ES256", "EdDSA", "HS256") if any(k[0] == a for k in table)]
    groups = [(a, [table.get((a, s)) for s in series]) for a in algs]
    bar_chart(os.path.join(charts, "coldpath.svg"), "Cold path: one verification, median (token cache off)",
              "µs", groups, series, log=True)


def http(jmh, charts):
    groups, series = [], []
    fp = os.path.join(jmh, "fullpath.json")
    ch = os.path.join(jmh, "churn.json")
    if os.path.exists(fp):
        f = json.load(open(fp))
        groups.append(("full path", [f["bare"]["requestsPerSecond"], f.get("frame", {}).get("requestsPerSecond"),
                                     f["portcullis"]["requestsPerSecond"], None]))
    if os.path.exists(ch):
        c = json.load(open(ch))
        for alg in ("RS256", "ES256", "EdDSA"):
            if alg in c:
                groups.append((f"churn {alg}", [None, None, c[alg]["jdk"]["requestsPerSecond"],
                                                c[alg]["accp"]["requestsPerSecond"]]))
    if groups:
        series = ["without Portcullis", "filter and feature shapes, no decisions", "Portcullis (JDK)",
                  "Portcullis + ACCP"]
        bar_chart(os.path.join(charts, "http.svg"),
                  "GET /api/documents/1 over HTTP (wrk, same run): requests/s", "req/s", groups, series)


def pac4j(jmh, charts):
    path = os.path.join(jmh, "pac4j.json")
    if not os.path.exists(path):
        return
    rows = {}
    for b in json.load(open(path)):
        side = b["benchmark"].rsplit(".", 1)[1]
        key = f'{b["params"]["alg"]} {b["params"]["tokens"]}'
        rows[(key, side)] = b
    keys = [k for k in ("RS256 same", "RS256 churn", "ES256 same", "ES256 churn") if (k, "portcullis") in rows]
    sides = [("bare", "bare servlet"), ("portcullis", "Portcullis (token cache off)"), ("pac4j", "pac4j 6.1.2")]
    label = {k: k.replace(" same", ", one token").replace(" churn", ", token churn")
             for k in ("RS256 same", "RS256 churn", "ES256 same", "ES256 churn")}
    alloc = [(label[k], [rows[(k, s)]["secondaryMetrics"]["gc.alloc.rate.norm"]["score"] / 1000 if (k, s) in rows else None
                  for s, _ in sides]) for k in keys]
    bar_chart(os.path.join(charts, "pac4j-alloc.svg"),
              "Same Jetty, same run: KB allocated per request (JMH -prof gc)", "KB", alloc, [n for _, n in sides], left=130)
    # latency from the interleaved runs (Pac4jInterleaved): the three sides in the same time window;
    # per case the run with the most requests
    best = {}
    for name in sorted(os.listdir(jmh)):
        if name.startswith("pac4j-interleaved") and name.endswith(".json"):
            for r in json.load(open(os.path.join(jmh, name))):
                key = f'{r["alg"]} {r["tokens"]}'
                if key not in best or r["rounds"] > best[key]["rounds"]:
                    best[key] = r
    lat = []
    for k in [k for k in ("RS256 same", "RS256 churn", "ES256 same", "ES256 churn") if k in best]:
        for pct in ("p50", "p99"):
            lat.append((f'{label.get(k, k)} {pct}', [best[k]["us"][s][pct] for s, _ in sides]))
    if lat:
        bar_chart(os.path.join(charts, "pac4j-latency.svg"),
                  "Same Jetty, requests alternated: latency per request, p50 and p99", "µs", lat,
                  [n for _, n in sides], log=True, left=160)

if __name__ == "__main__":
    jmh = sys.argv[1] if len(sys.argv) > 1 else "it/target/jmh"
    charts = sys.argv[2] if len(sys.argv) > 2 else "docs/bench"
    os.makedirs(charts, exist_ok=True)
    coldpath(jmh, charts)
    http(jmh, charts)
    pac4j(jmh, charts)
