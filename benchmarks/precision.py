"""Precision on real architectures: recall, must-not hits, findings per element and the share
of findings driven by unknowns, for every case of ``benchmarks/corpus/``.

Each case is a model written from a public architecture description (``corpus/NAME.yaml``) and
what a reviewer expects of it (``expect/NAME.yaml``: ``must`` and ``must_not`` threats, each
optionally ``on`` one element). The tool runs as a user runs it, ``analyze --format json``, so
the same script measures any checkout: ``--source DIR`` runs the package found in DIR (a git
worktree of an older commit, say) with this interpreter.

A finding is *driven by unknowns* when it disappears once every unstated security fact is filled
with its reassuring value (flows authenticated, encrypted and protected against replay, stores
encrypted at rest and single-tenant, tools behind authentication and reached over stdio):
nothing the model states supports it.

    python benchmarks/precision.py                 # the table
    python benchmarks/precision.py -v              # and every miss and must-not hit
    python benchmarks/precision.py --unknowns worst-case
    python benchmarks/precision.py --source /tmp/old-checkout
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECT = Path(__file__).resolve().parent / "expect"
"""Apart from the models, so that ``scoping-tui validate benchmarks/corpus/`` checks models only."""
STORES = {"vector-store", "knowledge-base", "memory", "data-store", "training-data",
          "model-registry", "secrets-store", "monitoring"}
TOOLS = {"tool", "mcp-server", "code-sandbox", "external-service"}
MAX_PER_ELEMENT = 8


@dataclass
class Case:
    name: str
    findings: int = 0
    questions: int = 0
    unknown_driven: int = 0
    per_element: Counter[str] = field(default_factory=Counter)
    threats_on: dict[str, set[str]] = field(default_factory=dict)
    """Distinct threats on each element."""
    unknown_on: Counter[str] = field(default_factory=Counter)
    """Findings on each element that no stated fact supports."""
    must: int = 0
    hits: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    must_not_hits: list[str] = field(default_factory=list)


def analyze(model: Path, source: Path | None, extra: list[str]) -> dict[str, Any]:
    # `-m` puts the working directory first on the path: run from the checkout to measure.
    root = source or Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    run = subprocess.run([sys.executable, "-m", "scoping_tui", "analyze", str(model),
                          "--format", "json", *extra],
                         capture_output=True, text=True, env=env, cwd=root, check=False)
    if run.returncode not in (0, 1):
        raise SystemExit(f"{model}: analyze exited {run.returncode}\n{run.stderr}")
    return json.loads(run.stdout)


def reassured(doc: dict[str, Any]) -> dict[str, Any]:
    """The model with every unstated security fact given its reassuring value."""
    for flow in doc.get("flows") or []:
        flow.setdefault("authenticated", True)
        flow.setdefault("encrypted", True)
        flow.setdefault("replay_protected", True)
    for c in doc.get("components") or []:
        if c.get("type") in STORES:
            store = c.setdefault("store", {})
            store.setdefault("encrypted_at_rest", True)
            store.setdefault("multi_tenant", False)
        if c.get("type") in TOOLS:
            tool = c.setdefault("tool", {})
            tool.setdefault("authentication", "oauth")
            tool.setdefault("transport", "stdio")
    return doc


def matches(finding: dict[str, Any], want: dict[str, Any]) -> bool:
    if finding["threat"] != want["threat"]:
        return False
    on = want.get("on")
    return on is None or on == finding["target"] or on in finding.get("also", [])


def label(want: dict[str, Any]) -> str:
    return want["threat"] + (f"@{want['on']}" if want.get("on") else "")


def measure(model: Path, source: Path | None, extra: list[str]) -> Case:
    expect = yaml.safe_load((EXPECT / model.name).read_text(encoding="utf-8"))
    result = analyze(model, source, extra)
    findings = result["findings"]
    case = Case(model.stem, findings=len(findings),
                questions=len(result.get("questions", [])))
    for f in findings:
        case.per_element[f["target"]] += 1
        case.threats_on.setdefault(f["target"], set()).add(f["threat"])
    with tempfile.TemporaryDirectory() as tmp:
        calm = Path(tmp) / model.name
        doc = yaml.safe_load(model.read_text(encoding="utf-8"))
        calm.write_text(yaml.safe_dump(reassured(doc), sort_keys=False), encoding="utf-8")
        calm_ids = {f["id"] for f in analyze(calm, source, extra)["findings"]}
    case.unknown_driven = sum(1 for f in findings if f["id"] not in calm_ids)
    for f in findings:
        if f["id"] not in calm_ids:
            case.unknown_on[f["target"]] += 1
    for want in expect.get("must") or []:
        case.must += 1
        found = any(matches(f, want) for f in findings)
        (case.hits if found else case.misses).append(label(want))
    for unwanted in expect.get("must_not") or []:
        if any(matches(f, unwanted) for f in findings):
            case.must_not_hits.append(label(unwanted))
    return case


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="run the scoping_tui package found here")
    parser.add_argument("--unknowns", choices=("ask", "worst-case"),
                        help="pass --unknowns to analyze (checkouts that know the option)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every miss, must-not hit and crowded element")
    parser.add_argument("cases", nargs="*", help="case names (default: all of corpus/)")
    args = parser.parse_args(argv)
    extra = ["--unknowns", args.unknowns] if args.unknowns else []
    names = args.cases or sorted(p.stem for p in EXPECT.glob("*.yaml"))
    cases = [measure(CORPUS / f"{name}.yaml", args.source, extra) for name in names]

    header = (f"{'case':34} {'findings':>8} {'questions':>9} {'unknown-driven':>14} "
              f"{'max/elem':>8} {'recall':>12} {'must-not':>8}")
    print(header)
    print("-" * len(header))
    for c in cases:
        top = max(c.per_element.values(), default=0)
        print(f"{c.name:34} {c.findings:8} {c.questions:9} "
              f"{c.unknown_driven:6} ({percent(c.unknown_driven, c.findings):>5}) {top:8} "
              f"{len(c.hits):3}/{c.must:<3} {percent(len(c.hits), c.must):>5} "
              f"{len(c.must_not_hits):8}")
    total = sum(c.findings for c in cases)
    unknown = sum(c.unknown_driven for c in cases)
    hits = sum(len(c.hits) for c in cases)
    must = sum(c.must for c in cases)
    crowded = [(c, e, n) for c in cases for e, n in c.per_element.items()
               if n > MAX_PER_ELEMENT]
    # Allowed by the target: every finding on the element a distinct threat, none of them
    # resting on an unstated fact.
    unjustified = [(c, e, n) for c, e, n in crowded
                   if len(c.threats_on[e]) < n or c.unknown_on[e]]
    print("-" * len(header))
    print(f"{'total (' + str(len(cases)) + ' cases)':34} {total:8} "
          f"{sum(c.questions for c in cases):9} {unknown:6} ({percent(unknown, total):>5}) "
          f"{max((n for *_, n in crowded), default=0) or '':>8} {hits:3}/{must:<3} "
          f"{percent(hits, must):>5} {sum(len(c.must_not_hits) for c in cases):8}")
    elements = sum(len(c.per_element) for c in cases)
    print(f"\nfindings per element with findings: {total / max(elements, 1):.1f}; "
          f"elements with more than {MAX_PER_ELEMENT} findings: {len(crowded)}, of which "
          f"{len(unjustified)} repeat a threat or rest on unstated facts")
    if args.verbose:
        for c in cases:
            for miss in c.misses:
                print(f"miss      {c.name}: {miss}")
            for hit in c.must_not_hits:
                print(f"must-not  {c.name}: {hit}")
        for c, element, n in crowded:
            print(f"crowded   {c.name}: {element} has {n} findings, "
                  f"{len(c.threats_on[element])} distinct threats, "
                  f"{c.unknown_on[element]} resting on unstated facts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
