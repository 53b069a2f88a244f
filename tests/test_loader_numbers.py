"""Numbers read as YAML 1.1 does (as PyYAML reads them), except base-60 ones, which are text.

A base-60 integer (`1:1:1:…`) used to be computed before any size check, at a cost growing with
the square of its length (9 s for 300 KB, about an hour at the 5 MiB limit). It is text now, as
in YAML 1.2 and editors' language servers, so a schema error says what is wrong with it; every
other number keeps the value PyYAML gives it, and an integer above 256 bits is refused by its
length before anything is converted. Speed figures are in benchmarks/bench_load_numbers.py.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoping_tui.cli.entry import main
from scoping_tui.model.load import Document, LoadFailure, parse
from scoping_tui.model.validate import load_model

SETTINGS = settings(derandomize=True, max_examples=400, deadline=None)
BASE_60 = ":".join(["1"] * 150_000)
"""300 KB of `1:1:1:…`: 9 seconds of arithmetic to read before."""


def value_of(scalar: str) -> Any:
    parsed = parse(f"v: {scalar}\n", "model.yaml")
    assert isinstance(parsed, Document), parsed
    return parsed.data["v"]


def test_a_long_base_60_number_is_text_and_the_schema_says_so(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(f"version: {BASE_60}\nsystem:\n  name: Demo\ncomponents: []\n",
                    encoding="utf-8")
    result = load_model(path, display="model.yaml")
    assert "bad-number" not in [d.code for d in result.diagnostics]
    messages = [d.format() for d in result.diagnostics]
    assert len(messages) == 1, messages
    assert messages[0].startswith("model.yaml:1:10: error: version: '1:1:1:1:"), messages
    assert messages[0].endswith("'… is not allowed (expected one of: 1)"), messages
    assert result.document is not None and result.document.data["version"] == BASE_60
    # The value is shown cut short, not 300 KB of it.
    assert all(len(message) < 400 for message in messages), [len(m) for m in messages]


def test_validate_answers_a_long_base_60_name(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(f"version: 1\nsystem:\n  name: {BASE_60}\ncomponents: []\n",
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}:3:9: error: system.name is longer than 200 characters" in out


def test_import_reads_a_long_base_60_value_as_text(tmp_path: Path) -> None:
    source = tmp_path / "threagile.yaml"
    source.write_text(f"title: {BASE_60}\ntechnical_assets: {{}}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "import", "--from", "threagile",
                           str(source), "-o", str(tmp_path / "model.yaml")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert "too large to read" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("scalar", ["1:30", "-1:30", "+1:30", "190:20:30", "1:1:1.5",
                                    "1:30.0", "-0:30", "1_0:3_0"])
def test_base_60_forms_are_text(scalar: str) -> None:
    assert value_of(scalar) == scalar


@pytest.mark.parametrize(("scalar", "value"), [
    ("0", 0), ("-0", 0), ("+12", 12), ("1_000", 1000), ("0x1f", 31), ("-0x_1F", -31),
    ("0b101", 5), ("-0b1_01", -5), ("017", 15), ("0_17", 15), ("00", 0),
    ("1.5", 1.5), ("-1.", -1.0), (".5", 0.5), ("1_0.2_5", 10.25), ("1.0e+3", 1000.0),
    ("6.02e-23", 6.02e-23), (".inf", math.inf), ("-.Inf", -math.inf), ("+.INF", math.inf),
    ("yes", True), ("NO", False), ("on", True), ("Off", False), ("true", True),
    ("~", None), ("null", None), ("Null", None), ("", None),
    # Not numbers in YAML 1.1 either: text.
    ("1e5", "1e5"), ("0o17", "0o17"), ("08", "08"), ("1,000", "1,000"), ("0x", "0x"),
    ("0x_", "0x_"), ("0b__", "0b__"), (".", "."), ("-x", "-x"), ("+", "+"), ("y", "y"),
    ("2027-03-31", "2027-03-31"), ("=", "="), ("<<", "<<"),
])
def test_other_plain_scalars_keep_their_yaml_1_1_value(scalar: str, value: Any) -> None:
    got = value_of(scalar)
    assert got == value and type(got) is type(value), got


def test_nan_is_a_float() -> None:
    got = value_of(".NaN")
    assert isinstance(got, float) and math.isnan(got)


def test_quoted_numbers_are_text() -> None:
    assert value_of('"12"') == "12"
    assert value_of("'1:30'") == "1:30"


@pytest.mark.parametrize("digits", [256, 257, 300])
def test_the_256_bit_limit_is_exact(digits: int) -> None:
    largest = "0b" + "1" * digits
    parsed = parse(f"v: {largest}\n", "model.yaml")
    if digits <= 256:
        assert isinstance(parsed, Document) and parsed.data["v"] == 2 ** digits - 1
    else:
        assert isinstance(parsed, LoadFailure)
        assert [d.code for d in parsed.diagnostics] == ["bad-number"]


@pytest.mark.parametrize("number", [2 ** 256 - 1, 2 ** 256, 10 ** 77, 10 ** 78, 2 ** 255])
def test_the_limit_is_the_same_in_every_base(number: int) -> None:
    fits = number.bit_length() <= 256
    for scalar in (str(number), hex(number), "0" + oct(number)[2:], bin(number),
                   "-" + str(number), "0" * 500 + oct(number)[2:]):
        parsed = parse(f"v: {scalar}\n", "model.yaml")
        if fits:
            assert isinstance(parsed, Document), (scalar, parsed)
            assert abs(parsed.data["v"]) == number
        else:
            assert isinstance(parsed, LoadFailure), scalar
            assert [d.code for d in parsed.diagnostics] == ["bad-number"]
            assert parsed.diagnostics[0].format().startswith("model.yaml:1:4: error: ")


@pytest.mark.parametrize("scalar", [
    "9" * 1_000_000, "0x" + "f" * 1_000_000, "0" + "7" * 1_000_000, "0b" + "1" * 1_000_000,
    "1_" * 500_000 + "1",
])
def test_a_megabyte_integer_is_refused_with_a_short_message(scalar: str) -> None:
    parsed = parse(f"version: 1\nv: {scalar}\n", "model.yaml")
    assert isinstance(parsed, LoadFailure)
    assert [d.code for d in parsed.diagnostics] == ["bad-number"]
    diagnostic = parsed.diagnostics[0]
    assert diagnostic.format().startswith("model.yaml:2:4: error: the number '")
    assert len(diagnostic.message) < 100


@pytest.mark.parametrize(("scalar", "value"), [
    ("1" * 1_000_000 + ".5", math.inf), ("0." + "0" * 1_000_000 + "1", 0.0),
    ("1.5e+" + "9" * 1_000_000, math.inf), ("1.5e-" + "9" * 1_000_000, 0.0),
])
def test_a_megabyte_float_is_read(scalar: str, value: float) -> None:
    assert value_of(scalar) == value


# -- properties: PyYAML is the oracle for every plain scalar that is not base 60 ---------------

number_ish = st.lists(st.sampled_from([*"0123456789_:.+-eExXbBo17fF", "inf", "Inf", "nan",
                                        "NaN", "0x", "0b"]),
                      min_size=1, max_size=16).map("".join)
structured = st.builds(
    lambda sign, body: sign + body,
    st.sampled_from(["", "-", "+"]),
    st.one_of(
        st.from_regex(r"0b[01_]{1,12}", fullmatch=True),
        st.from_regex(r"0x[0-9a-fA-F_]{1,12}", fullmatch=True),
        st.from_regex(r"0[0-7_]{1,12}", fullmatch=True),
        st.from_regex(r"[1-9][0-9_]{0,20}", fullmatch=True),
        st.from_regex(r"[0-9][0-9_]{0,6}\.[0-9_]{0,6}([eE][-+][0-9]{1,3})?", fullmatch=True),
        st.from_regex(r"[1-9][0-9_]{0,3}(:[0-5]?[0-9]){1,4}(\.[0-9_]{0,3})?", fullmatch=True),
    ))


def pyyaml_value(scalar: str) -> Any:
    """What PyYAML's own safe loader reads (raises for what it cannot)."""
    return yaml.safe_load(f"v: {scalar}\n")["v"]


def is_base_60(scalar: str) -> bool:
    resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, scalar, (True, False))
    return ":" in scalar and resolved.endswith(("int", "float"))


def same(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    return ours == theirs and type(ours) is type(theirs)


@SETTINGS
@given(st.one_of(number_ish, structured))
def test_every_number_reads_as_pyyaml_reads_it_or_as_text_in_base_60(scalar: str) -> None:
    parsed = parse(f"v: {scalar}\n", "model.yaml")
    try:
        theirs = pyyaml_value(scalar)
    except (yaml.YAMLError, ValueError, IndexError):
        # PyYAML cannot read it (`0x_`, a bad date): ours never raises, and reads it as text
        # when it is not a YAML problem for both.
        if isinstance(parsed, Document):
            assert parsed.data["v"] == scalar or isinstance(parsed.data["v"], int | float)
        return
    assume(not isinstance(theirs, dict | list))
    if isinstance(parsed, LoadFailure):
        # Only a number too large to read; PyYAML computes it.
        assert [d.code for d in parsed.diagnostics] == ["bad-number"], parsed
        assert isinstance(theirs, int) and theirs.bit_length() > 256
        return
    ours = parsed.data["v"]
    if is_base_60(scalar) or not isinstance(theirs, bool | int | float | None | str):
        assert ours == scalar  # base 60 and dates: the text written
        return
    assert same(ours, theirs), (scalar, ours, theirs)


@SETTINGS
@given(st.sampled_from(["", "-", "+"]), st.sampled_from(["", "0b", "0x", "0"]),
       st.integers(min_value=0, max_value=2 ** 300))
def test_integers_up_to_256_bits_are_read_and_larger_ones_refused(sign: str, prefix: str,
                                                                   number: int) -> None:
    body = {"": str(number), "0b": format(number, "b"), "0x": format(number, "x"),
            "0": format(number, "o")}[prefix]
    if prefix == "" and number == 0:
        body = "0"
    scalar = f"{sign}{prefix}{body}"
    parsed = parse(f"v: {scalar}\n", "model.yaml")
    if number.bit_length() > 256:
        assert isinstance(parsed, LoadFailure)
        assert [d.code for d in parsed.diagnostics] == ["bad-number"]
    else:
        assert isinstance(parsed, Document), scalar
        assert parsed.data["v"] == (-number if sign == "-" else number)
