"""Compares benchmark results with a baseline; exits 1 when a benchmark's median regressed past the tolerance.

python3 bench/compare.py --baseline bench/baseline.json --current out.json --tolerance 0.10

Medians, not means: one slow sample (a GC pause, a noisy neighbour) must not fail the comparison.
"""
import argparse
import json
import statistics
import sys


def medians(path: str) -> dict[str, float]:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    return {b["name"]: statistics.median(b["samples"]) for b in document["benchmarks"] if b.get("samples")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--current", required=True)
    parser.add_argument("--tolerance", type=float, default=0.10, help="tolerated slowdown, 0.10 = 10%%")
    args = parser.parse_args()

    baseline, current = medians(args.baseline), medians(args.current)
    missing = sorted(set(baseline) - set(current))
    if missing:
        print(f"missing from the current results: {', '.join(missing)}")
        return 1
    regressed = False
    print(f"{'benchmark':<16} {'baseline ms':>12} {'current ms':>12} {'change':>8}")
    for name, before in sorted(baseline.items()):
        after = current[name]
        change = after / before - 1
        flag = "REGRESSED" if change > args.tolerance else ""
        regressed |= change > args.tolerance
        print(f"{name:<16} {before * 1e3:>12.3f} {after * 1e3:>12.3f} {change:>+8.1%} {flag}")
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main())
