"""Speed and memory of load, validate and analyze on generated models, and OWASP pytm beside us.

    make benchmark            (or: .venv/bin/python benchmarks/bench_analyze.py [N ...])

For each size N (components, with about 3 N flows: see generate.py) it prints, measured in a fresh
process each: time to load the YAML, validate it, and analyze it; peak memory; and the wall time
of the whole `scoping-tui analyze` command (process start to exit) in text and Markdown. When
pytm is installed (`pip install pytm`), it builds an equivalent pytm model of the same size and
prints the time pytm needs to resolve its threats and to write its Markdown report, and the ratio
of pytm's resolve + report to our whole Markdown command.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

SIZES = [10, 100, 1000, 3000]
PYTM_TIMEOUT = 120
PYTM_TEMPLATE = """# {tm.name}

{tm.description}

## Dataflows
{dataflows:repeat:* {{item.name}}: {{item.source.name}} -> {{item.sink.name}}
}

## Potential Threats
{findings:repeat:* {{item.threat_id}} on {{item.target}} ({{item.severity}}): {{item.description}}
}
"""

_PHASES = r"""
import json, resource, sys, time, datetime
t0 = time.perf_counter()
from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.model.load import load_file
from scoping_tui.model.validate import validate_document
t1 = time.perf_counter()
catalog = load_catalog()
t2 = time.perf_counter()
document = load_file(sys.argv[1])
t3 = time.perf_counter()
result = validate_document(document)
t4 = time.perf_counter()
assessment = assess(result.model, catalog, as_of=datetime.date(2026, 1, 1))
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "catalog": t2 - t1, "load": t3 - t2, "validate": t4 - t3,
                  "analyze": t5 - t4, "findings": len(assessment.findings),
                  "components": len(result.model.components), "flows": len(result.model.flows),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_PYTM = r"""
import json, sys, time
n = int(sys.argv[1])
t0 = time.perf_counter()
from pytm import TM, Actor, Boundary, Dataflow, Datastore, Lambda, Server
TM.reset()
tm = TM("bench")
tm.description = "generated"
internet, vpc = Boundary("Internet"), Boundary("VPC")
kinds = [Actor, Server, Server, Server, Lambda, Server, Datastore, Datastore, Lambda, Server]
elements = []
for i in range(n):
    element = kinds[i % len(kinds)](f"e{i}")
    element.inBoundary = internet if i % len(kinds) < 2 else vpc
    elements.append(element)
flows = 0
for i in range(n):
    for step in (1, 3):
        if i + step < n:
            Dataflow(elements[i], elements[i + step], f"f{flows}")
            flows += 1
t1 = time.perf_counter()
tm.resolve()
t2 = time.perf_counter()
print(json.dumps({"build": t1 - t0, "resolve": t2 - t1, "findings": len(tm.findings),
                  "flows": flows}), flush=True)
if len(sys.argv) > 2:
    tm.report(sys.argv[2])
    print(json.dumps({"report": time.perf_counter() - t2}), flush=True)
"""


def _run_json(args: list[str], timeout: float | None = None) -> dict[str, float] | None:
    """The JSON lines a script prints, merged; what it printed before a timeout counts too."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True)
        output = done.stdout
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    result: dict[str, float] = {}
    for line in output.splitlines():
        result.update(json.loads(line))
    return result or None


def _wall(args: list[str], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _has_pytm() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import pytm"], capture_output=True,
                           check=False)
    return probe.returncode == 0


def main(sizes: list[int]) -> None:
    tool = [sys.executable, "-m", "scoping_tui"]
    pytm = _has_pytm()
    print(f"python {sys.version.split()[0]}; pytm {'installed' if pytm else 'not installed'}")
    header = (f"{'N':>6} {'flows':>6} {'load s':>7} {'valid. s':>8} {'analyze s':>9} "
              f"{'peak MiB':>8} {'findings':>8} {'CLI text s':>10} {'CLI md s':>8}"
              + (f" {'pytm resolve s':>14} {'pytm report s':>13} {'ratio':>7}" if pytm else ""))
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"model-{n}.yaml"
            path.write_text(generate(n), encoding="utf-8")
            phases = _run_json([sys.executable, "-c", _PHASES, str(path)])
            assert phases is not None
            args = [*tool, "analyze", str(path), "--as-of", "2026-01-01"]
            text_wall = _wall(args)
            md_wall = _wall([*args, "--format", "markdown"])
            row = (f"{n:>6} {int(phases['flows']):>6} {phases['load']:>7.3f} "
                   f"{phases['validate']:>8.3f} {phases['analyze']:>9.3f} "
                   f"{phases['peak_mib']:>8.0f} {int(phases['findings']):>8} "
                   f"{text_wall:>10.3f} {md_wall:>8.3f}")
            if pytm:
                template = Path(tmp) / "pytm-template.md"
                template.write_text(PYTM_TEMPLATE, encoding="utf-8")
                theirs = _run_json([sys.executable, "-c", _PYTM, str(n), str(template)],
                                   PYTM_TIMEOUT) or {}
                resolve = theirs.get("build", 0.0) + theirs.get("resolve", 0.0)
                row += f" {resolve:>14.3f}" if "resolve" in theirs else f" {'-':>14}"
                if "report" in theirs:
                    ratio = (resolve + theirs["report"]) / md_wall
                    row += f" {theirs['report']:>13.3f} {ratio:>6.0f}x"
                else:
                    at_least = f">{int(PYTM_TIMEOUT / md_wall)}"
                    row += f" {'>' + str(PYTM_TIMEOUT):>13} {at_least:>6}x"
            print(row, flush=True)
    print("\nload/validate/analyze are in-process phases; CLI columns are whole commands "
          "(process start to exit, median of 3).")
    if pytm:
        print("pytm: building its model and resolving threats, then its Markdown report "
              f"(stopped after {PYTM_TIMEOUT} s); ratio: pytm resolve + report over our whole "
              "Markdown command.")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or SIZES)
