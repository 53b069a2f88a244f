"""Reading a file made of one huge number costs about what any other file of that size costs.

    .venv/bin/python benchmarks/bench_load_numbers.py [MiB ...]

For each size (default 0.3, 1 and 5 MiB, the default size limit) it prints the time `parse`
takes on a model whose `version` is one huge scalar in each numeric form (a base-60 number,
decimal, hex, octal and binary integers, a long float, a long exponent), beside the same size of
plain text. Before base-60 numbers were read as text, 300 KB of `1:1:1…` took 9 s, 800 KB 74 s
and 5 MiB about an hour; the integers are refused by their length before being converted.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from scoping_tui.model.load import Document, parse

FORMS: dict[str, Callable[[int], str]] = {
    "text": lambda n: "a" * n,
    "base-60": lambda n: ":".join(["1"] * (n // 2)),
    "decimal": lambda n: "9" * n,
    "hex": lambda n: "0x" + "f" * n,
    "octal": lambda n: "0" + "7" * n,
    "binary": lambda n: "0b" + "1" * n,
    "underscores": lambda n: "1_" * (n // 2) + "1",
    "float": lambda n: "1" * n + ".5",
    "exponent": lambda n: "1.5e+" + "9" * n,
}


def main(sizes: list[float]) -> None:
    print(f"{'form':<12}" + "".join(f"{size:>10g} MiB " for size in sizes))
    for name, make in FORMS.items():
        cells = []
        for size in sizes:
            text = f"version: {make(int(size * 1024 * 1024))}\n"
            start = time.perf_counter()
            parsed = parse(text, "model.yaml")
            seconds = time.perf_counter() - start
            kind = " " if isinstance(parsed, Document) else "*"
            cells.append(f"{seconds:>12.3f}s{kind}")
        print(f"{name:<12}" + "".join(cells))
    print("* refused with a diagnostic (a number too large to read)")


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [0.3, 1, 5])
