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


def pac4j_table(data):
    """Pac4jBench: per algorithm and token mode, bare / Portcullis / pac4j with -prof gc, and same-run ratios."""
    if not data:
        return
    rows = {}
    for b in data:
        side = b["benchmark"].rsplit(".", 1)[1]
        rows[(b["params"]["alg"], b["params"]["tokens"], side)] = b

    def fig(b):
        p = b["primaryMetric"]["scorePercentiles"]
        sec = b.get("secondaryMetrics", {})
        alloc = sec.get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        count = sec.get("gc.count", {}).get("score", 0.0)
        return p["50.0"], p["99.0"], alloc, count

    print("\n### Portcullis and pac4j on the same Jetty (Pac4jBench)\n")
    print("| alg | tokens | side | p50 µs | p99 µs | B/op | B/op over bare | gc.count (10 s) |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    ratios = []
    for alg in ("RS256", "ES256"):
        for tokens in ("same", "churn"):
            if (alg, tokens, "bare") not in rows:
                continue
            bare = fig(rows[(alg, tokens, "bare")])
            got = {}
            for side in ("bare", "portcullis", "pac4j"):
                if (alg, tokens, side) in rows:
                    f = got[side] = fig(rows[(alg, tokens, side)])
                    print(f"| {alg} | {tokens} | {side} | {f[0]:,.1f} | {f[1]:,.1f} | {f[2]:,.0f} | {f[2] - bare[2]:,.0f} | {f[3]:.0f} |")
            if "portcullis" in got and "pac4j" in got:
                pc, pj = got["portcullis"], got["pac4j"]
                ratios.append(f"| {alg} | {tokens} | {pc[0] / pj[0]:.2f} | {pc[1] / pj[1]:.2f} | {pc[2] / pj[2]:.2f} | "
                              f"{(pc[2] - bare[2]) / (pj[2] - bare[2]):.2f} |")
    print("\n| alg | tokens | p50 Portcullis / pac4j | p99 | B/op | B/op over bare |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(ratios))


pac4j_table(load("pac4j.json"))


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
