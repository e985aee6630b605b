#!/usr/bin/env python3
"""Prints Markdown tables (median, p99, ratio to the same-run baseline) from the JMH JSON files in it/target/jmh."""
import json
import os
import sys

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "target", "jmh")


def load(name):
    path = os.path.join(DIR, name)
    if not os.path.exists(path):
        return []
    return json.load(open(path))


def row(r):
    m = r["primaryMetric"]
    p = m.get("scorePercentiles", {})
    name = r["benchmark"].rsplit(".", 1)[1]
    params = r.get("params") or {}
    return name, params, p.get("50.0", m["score"]), p.get("99.0", float("nan")), m["scoreUnit"]


def table(title, rows, baseline=None, pair=None):
    print(f"\n### {title}\n")
    print("| benchmark | params | median | p99 | unit | ratio |")
    print("|---|---|---:|---:|---|---|")
    base = {}
    for name, params, p50, p99, unit in rows:
        if baseline and name == baseline:
            base[tuple(sorted(params.items()))] = p50
    for name, params, p50, p99, unit in rows:
        key = tuple(sorted(params.items()))
        ratio = ""
        if pair and name == pair[0]:
            other = [r for r in rows if r[0] == pair[1] and r[1] == params]
            if other:
                ratio = f"{p50 / other[0][2]:.2f}× {pair[1]}"
        elif baseline and key in base and name != baseline:
            ratio = f"+{p50 - base[key]:.0f} {unit} over {baseline} ({p50 / base[key]:.1f}×)"
        ps = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"| {name} | {ps} | {p50:.3f} | {p99:.3f} | {unit} | {ratio} |")


table("Engine (EngineBench)", [row(r) for r in load("engine.json")], baseline="baseline")
table("Token cache hit alone (EngineBench, own run)", [row(r) for r in load("tokencache.json")], baseline="baseline")
table("Servlet filter in Jetty, in memory (ServletBench)", [row(r) for r in load("servlet.json")], baseline="publicOnly")
cold = []
for alg in ("RS256", "PS256", "ES256", "EdDSA", "HS256"):
    cold += [row(r) for r in load(f"coldpath-{alg}.json")]
table("Cold path (ColdPathBench)", cold, pair=("portcullis", "jose4j"))
table("Policy decision (PolicyBench)", [row(r) for r in load("policy.json")], baseline="baseline")
table("Attribute cache (AttributeCacheBench)", [row(r) for r in load("attributes.json")], pair=("attributeCacheHit", "concurrentHashMapHit"))
for extra in ("coldpath-interleaved.json", "memory.json", "http.json"):
    p = os.path.join(DIR, extra)
    if os.path.exists(p):
        print(f"\n### {extra}\n\n```\n{open(p).read().strip()}\n```")


def provider_table(runtime):
    """Issue 19: per algorithm, raw jose4j (JDK) against Portcullis on the JDK and with ACCP, in one run."""
    rows = load(f"coldpath-{runtime}.json")
    if not rows:
        return
    cell = {}
    for r in rows:
        name = r["benchmark"].rsplit(".", 1)[1]
        params = r.get("params") or {}
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", r.get("secondaryMetrics", {}).get("·gc.alloc.rate.norm", {})).get("score")
        cell[(params.get("alg"), name, params.get("provider", "jdk"))] = (r["primaryMetric"]["scorePercentiles"]["50.0"], alloc)
    print(f"\n### Cold path per provider, {runtime} (ColdPathBench, µs median; bytes allocated per verification)\n")
    print("| alg | jose4j (JDK) | Portcullis (JDK) | ratio | Portcullis + ACCP | ACCP vs jose4j | B/op jose4j | B/op Portcullis |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for alg in ("RS256", "PS256", "ES256", "EdDSA", "HS256"):
        j = cell.get((alg, "jose4j", "jdk"))
        p = cell.get((alg, "portcullis", "jdk"))
        a = cell.get((alg, "portcullis", "AmazonCorrettoCryptoProvider"))
        if not (j and p):
            continue
        acc = f"{a[0]:.1f}" if a else "—"
        accr = f"{a[0] / j[0]:.2f}×" if a else "—"
        ja = f"{j[1]:,.0f}" if j[1] else "—"
        pa = f"{p[1]:,.0f}" if p[1] else "—"
        print(f"| {alg} | {j[0]:.1f} | {p[0]:.1f} | {p[0] / j[0]:.2f}× | {acc} | {accr} | {ja} | {pa} |")


for runtime in ("jdk17", "jdk25"):
    provider_table(runtime)
