"""Wall time of `validate` and `check` over a folder of many generated models.

    make benchmark            (or: .venv/bin/python benchmarks/bench_many.py [COUNT ...])

For each COUNT it writes that many models of 10 to 60 components (see generate.py) into a
temporary folder and prints the wall time of the whole command, start to exit, best of three:
once in parallel (the default: one worker per CPU) and once with a single CPU, to show what the
worker processes buy on this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

COUNTS = [20, 200, 1000]


def wall(args: list[str], env: dict[str, str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                       env={**os.environ, **env}, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main(counts: list[int]) -> None:
    print(f"{os.cpu_count()} CPUs")
    print(f"{'models':>7}  {'validate':>9}  {'check':>9}  {'check, 1 CPU':>13}")
    for count in counts:
        with tempfile.TemporaryDirectory() as folder:
            for number in range(count):
                Path(folder, f"m{number:04}.yaml").write_text(
                    generate(10 + number % 50, seed=number), encoding="utf-8")
            validate = wall(["validate", folder], {})
            check = wall(["check", folder, "--as-of", "2026-11-28"], {})
            single = wall(["check", folder, "--as-of", "2026-11-28"],
                          {"SCOPING_TUI_WORKERS": "1"})
            print(f"{count:>7}  {validate:>8.2f}s  {check:>8.2f}s  {single:>12.2f}s")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or COUNTS)
