#!/usr/bin/env python3
"""Sums async-profiler collapsed stacks per request by owner (stdlib only).

    python3 it/bench/profile_summary.py OUT.json INTERVAL_US NAME FILE REQUESTS [NAME FILE REQUESTS ...]
    python3 it/bench/profile_summary.py --merge OUT.collapsed IN.collapsed...   # sums the windows' stacks
    python3 it/bench/profile_summary.py --bytes OUT.json 1 NAME FILE REQUESTS ...  # allocation profiles (bytes)

Each sample is INTERVAL_US of CPU (with --bytes, each count is bytes allocated); a stack belongs to the innermost frame of a known owner
(Portcullis, Jersey, HK2, Jetty, H2, ...; a JDK frame counts for its caller), or to GC / JIT for the
JVM's own threads. Also lists the Portcullis frames with the most CPU (inclusive), per request.
"""
import collections
import json
import sys

OWNERS = [("demo resources", "dev/portcullis/demo/"), ("Portcullis", "dev/portcullis/"),
          ("Micrometer", "io/micrometer/"), ("Prometheus client", "io/prometheus/"),
          ("logging backend (slf4j-simple)", "org/slf4j/"), ("H2", "org/h2/"), ("HikariCP", "com/zaxxer/"),
          ("Jersey", "org/glassfish/jersey/"), ("HK2", "org/jvnet/hk2/"), ("HK2", "org/glassfish/hk2/"),
          ("Jetty", "org/eclipse/jetty/")]


def owner(frames):
    for frame in reversed(frames):
        for name, prefix in OWNERS:
            if frame.startswith(prefix):
                return name
    head = "".join(frames[:6])
    if "G1" in head or "GC" in head:
        return "GC"
    if "Compile" in head or "C2" in head or "C1" in head:
        return "JIT"
    return "other"


def read(path):
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        yield stack.split(";"), int(count)


def merge(out, paths):
    total = collections.Counter()
    for path in paths:
        for frames, count in read(path):
            total[";".join(frames)] += count
    with open(out, "w") as f:
        for stack, count in total.items():
            f.write("%s %d\n" % (stack, count))


def main():
    if sys.argv[1] == "--merge":
        merge(sys.argv[2], sys.argv[3:])
        return
    argv = sys.argv[1:]
    in_bytes = argv[0] == "--bytes"
    if in_bytes:
        argv = argv[1:]
    total_key = "bytesPerRequest" if in_bytes else "cpuMicrosPerRequest"
    unit = "bytes allocated" if in_bytes else "µs of CPU"
    out, interval = argv[0], float(argv[1])
    args = argv[2:]
    result = {}
    for name, path, requests in zip(args[0::3], args[1::3], args[2::3]):
        requests = int(requests)
        per = collections.Counter()
        inclusive = collections.Counter()
        for frames, count in read(path):
            per[owner(frames)] += count
            seen = set()
            for f in frames:
                if f.startswith("dev/portcullis/") and not f.startswith("dev/portcullis/demo/") and f not in seen:
                    seen.add(f)
                    inclusive[f] += count
        us = lambda c: round(c * interval / requests, 2)
        result[name] = {"requests": requests, total_key: us(sum(per.values())),
                        "byOwner": {k: us(v) for k, v in per.most_common()},
                        "portcullisFramesInclusive": {k.replace("/", "."): us(v) for k, v in inclusive.most_common(25)}}
    json.dump(result, open(out, "w"), indent=2)
    names = list(result)
    owners = sorted({o for r in result.values() for o in r["byOwner"]},
                    key=lambda o: -max(r["byOwner"].get(o, 0) for r in result.values()))
    print("%-32s" % (unit + " per request") + "".join("%14s" % n for n in names))
    for o in owners:
        print("%-32s" % o + "".join("%14.2f" % result[n]["byOwner"].get(o, 0) for n in names))
    print("%-32s" % "total" + "".join("%14.2f" % result[n][total_key] for n in names))
    for n in names:
        if result[n]["portcullisFramesInclusive"]:
            print("\n%s: Portcullis frames, inclusive %s per request" % (n, unit))
            for f, v in list(result[n]["portcullisFramesInclusive"].items())[:15]:
                print("  %6.2f %s" % (v, f))


if __name__ == "__main__":
    main()
