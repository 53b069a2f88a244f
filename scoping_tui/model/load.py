"""Read a YAML file safely into plain data, keeping the line and column of every key and value.

The event stream of libyaml is consumed with an explicit stack instead of PyYAML's recursive
constructor, so that no input can construct objects, recurse without bound, or expand aliases
without bound: every limit becomes a diagnostic instead of an exception.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from scoping_tui.model.diagnostics import START, Diagnostic, Position, Severity
from scoping_tui.model.paths import Path, format_path
from scoping_tui.util.gcpause import paused_gc

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""Largest model file read by default (5 MiB); ``SCOPING_TUI_MAX_BYTES`` or ``--max-size``
change it."""
MAX_DEPTH = 64
_MAX_INT_BITS = 256
MAX_NODES = 1_000_000
"""Most values a document may expand to, aliases included (alias-expansion bombs stop here)."""

_EventParser: Any
try:
    from yaml.cyaml import CParser as _EventParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml: the pure-Python parser is slower, not wrong.
    _EventParser = None
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_INT = _TAG + "int"
_FLOAT = _TAG + "float"
_BOOL = _TAG + "bool"
_NULL = _TAG + "null"
_TIMESTAMP = _TAG + "timestamp"
_MAP = _TAG + "map"
_SEQ = _TAG + "seq"
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP})

# Implicit types are YAML 1.1's, as PyYAML reads them (so `yes` is true and `0x1f` is 31), with
# two departures in the direction of YAML 1.2 and editors' language servers: dates stay text,
# and base-60 numbers (`1:30`) are text. A base-60 integer costs the square of its length to
# compute (an hour for 5 MiB of `1:1:1…`), and nobody writes one in a model on purpose.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {**dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
          **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
                          False)}
# No pattern nests a repetition inside another, so matching is linear in the length.
_INT_FORM = re.compile(r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|0|[1-9][0-9_]*)")
_FLOAT_FORM = re.compile(r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?"
                         r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
                         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
# An explicit !!float also takes what YAML 1.2 calls a float: `!!float 1`, `!!float 1e5`.
_TAGGED_FLOAT_FORM = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)"
                                r"(?:[eE][-+]?[0-9]+)?"
                                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_TIMESTAMP_FORM = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?")
_NUMBER_START = frozenset("-+.0123456789")
_MAX_DIGITS = {2: _MAX_INT_BITS, 8: -(-_MAX_INT_BITS // 3), 10: 78, 16: _MAX_INT_BITS // 4}
"""Most significant digits a number of at most 256 bits has in each base: anything longer is
refused before it is converted, so no input builds a huge integer."""
_EXPECTED = {
    _INT: "a whole number such as 42, -7, 0x2a or 0b101",
    _FLOAT: "a number such as 1.5, -2, 1e-3, .inf or .nan",
    _BOOL: "true or false",
    _NULL: "null, ~ or nothing",
    _TIMESTAMP: "a date such as 2027-03-31",
}


def max_bytes_from_env() -> int:
    raw = os.environ.get("SCOPING_TUI_MAX_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class SourceMap:
    """Positions of keys and values, by document path."""

    # Marks are kept as the parser made them (0-based) and turned into positions on lookup:
    # a large model has tens of thousands of them and few are ever looked at.
    keys: dict[Path, Any] = field(default_factory=dict)
    values: dict[Path, Any] = field(default_factory=dict)

    def value(self, path: Path) -> Position:
        """Where the value at ``path`` starts, or else where its nearest enclosing value does."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return _as_position(found)
        return START

    def key(self, path: Path) -> Position:
        """Where the key of ``path`` is written; the value's position for list items."""
        found = self.keys.get(path)
        return _as_position(found) if found is not None else self.value(path)


def _as_position(mark: Any) -> Position:
    return mark if isinstance(mark, Position) else Position(mark.line + 1, mark.column + 1)


@dataclass(frozen=True)
class Document:
    file: str
    data: Any
    source: SourceMap
    text: str
    diagnostics: tuple[Diagnostic, ...] = ()
    """The reader's own problems that did not stop it (a duplicate key): errors, so a document
    that has any is not a usable model, but the rest of it can still be checked."""


@dataclass(frozen=True)
class LoadFailure:
    diagnostics: tuple[Diagnostic, ...]


def _error(file: str, position: Position, message: str, code: str) -> LoadFailure:
    return LoadFailure((Diagnostic(file, position, Severity.ERROR, message, code),))


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def read_text(path: FsPath, display: str | None = None, max_bytes: int | None = None,
              ) -> str | LoadFailure:
    """Read a model file as text, refusing what is too big, binary, not UTF-8 or not a file."""
    name = display if display is not None else str(path)
    raw = read_bytes(path, name, max_bytes)
    return raw if isinstance(raw, LoadFailure) else decode(raw, name)


_NOT_FILES = ((stat.S_ISDIR, "is a directory, not a model file"),
              (stat.S_ISFIFO, "is a named pipe (FIFO), not a model file"),
              (stat.S_ISSOCK, "is a socket, not a model file"),
              (stat.S_ISCHR, "is a character device, not a model file"),
              (stat.S_ISBLK, "is a block device, not a model file"))


def _not_a_file(mode: int, name: str) -> LoadFailure | None:
    if stat.S_ISREG(mode):
        return None
    for test, says in _NOT_FILES:
        if test(mode):
            return _error(name, START, says, "unreadable")
    return _error(name, START, "is not a regular file, not a model file", "unreadable")


def not_openable(path: FsPath, display: str | None = None) -> LoadFailure | None:
    """Why ``path`` cannot be a model file (missing, a folder, a pipe...), from ``stat`` alone:
    for commands that hand the path on (the UI, the server) before anything reads it."""
    name = display if display is not None else str(path)
    try:
        return _not_a_file(os.stat(path).st_mode, name)
    except FileNotFoundError:
        return _error(name, START, "file not found", "unreadable")
    except (OSError, ValueError) as exc:
        return _error(name, START, f"cannot read file: {getattr(exc, 'strerror', None) or exc}",
                      "unreadable")


_OPEN_FLAGS = (getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


def read_bytes(path: FsPath, display: str | None = None, max_bytes: int | None = None,
               ) -> bytes | LoadFailure:
    """At most ``max_bytes`` of a regular file: larger files and anything else are refused.

    A FIFO, device or socket would block or never end (`/dev/zero`, a pipe with no writer):
    it is refused from ``stat`` before opening, and opened without blocking and checked again
    with ``fstat`` in case it was swapped in between.
    """
    name = display if display is not None else str(path)
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    refused = not_openable(path, name)
    if refused is not None:
        return refused
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
        with open(fd, "rb") as handle:
            refused = _not_a_file(os.fstat(fd).st_mode, name)
            if refused is not None:
                return refused
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        return _error(name, START, "file not found", "unreadable")
    except OSError as exc:
        return _error(name, START, f"cannot read file: {exc.strerror or exc}", "unreadable")
    except ValueError as exc:  # a NUL in the name
        return _error(name, START, f"cannot read file: {exc}", "unreadable")
    if len(raw) > limit:
        return _error(
            name, START,
            f"file is larger than the {limit:,}-byte limit; raise it with --max-size or "
            "SCOPING_TUI_MAX_BYTES if the model really is this big",
            "too-large",
        )
    return raw


def decode(raw: bytes, name: str) -> str | LoadFailure:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _error(name, START, "file is UTF-16; save it as UTF-8", "encoding")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        return _error(name, _offset_position(raw, offset),
                      "file contains NUL bytes: it looks binary, not a YAML model", "binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _error(name, _offset_position(raw, exc.start),
                      f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                      f"{exc.start}); save it as UTF-8", "encoding")
    return text


def _offset_position(raw: bytes, offset: int) -> Position:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return Position(before.count(b"\n") + 1, column)


def load_file(path: FsPath | str, display: str | None = None, max_bytes: int | None = None,
              ) -> Document | LoadFailure:
    fs_path = FsPath(path)
    name = display if display is not None else str(path)
    text = read_text(fs_path, name, max_bytes)
    if isinstance(text, LoadFailure):
        return text
    return parse(text, name)


def _char_position(text: str, index: int) -> Position:
    before = text[:index]
    return Position(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def _char_at(text: str, position: Position) -> str:
    lines = text.split("\n", position.line)
    if position.line - 1 < len(lines):
        line = lines[position.line - 1]
        if 0 < position.column <= len(line):
            return line[position.column - 1]
    return ""


def _yaml_problem(exc: yaml.YAMLError, file: str, text: str) -> LoadFailure:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    position = _position(mark) if mark is not None else START
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        character = exc.character
        code = ord(character) if isinstance(character, str) else int(character)
        shown = f"#x{code:04x}"
        return _error(file, _char_position(text, exc.position),
                      f"character {shown} is not allowed in YAML; remove it", "yaml-syntax")
    if "maximum nesting depth" in problem:
        return _error(file, position, f"document is nested more than {MAX_DEPTH} levels deep",
                      "too-deep")
    if "'\\t'" in problem or _char_at(text, position) == "\t":
        message = "tab character where YAML expects indentation; indent with spaces"
    else:
        message = f"invalid YAML: {problem}"
        if context:
            where = ""
            if context_mark is not None and context_mark is not mark:
                start = _position(context_mark)
                where = f" that starts at line {start.line}, column {start.column}"
            message += f" ({context}{where})"
    return _error(file, position, message, "yaml-syntax")


class _Frame:
    __slots__ = ("anchor", "container", "dropping", "key", "key_mark", "merged", "nodes", "path",
                 "source")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path,
                 anchor: str | None, source: SourceMap) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.source = source
        """Where positions inside this container go: a scratch map for a value that is read
        and dropped (the second value of a duplicate key), so it cannot move the first's."""
        self.key: str | None = None
        self.key_mark: Any = None
        self.dropping = False
        """The value being read for ``key`` is dropped: the key was already set."""
        self.nodes = 1
        self.merged: set[str] = set()
        """Keys that came from a `<<` merge; an explicit key may override them."""


class _Abort(Exception):
    def __init__(self, position: Position, message: str, code: str) -> None:
        self.position = position
        self.message = message
        self.code = code


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _shown(value: str) -> str:
    return f"{value[:40]!r}{'…' if len(value) > 40 else ''}"


def _forbidden(event: Any) -> _Abort:
    return _Abort(_position(event.start_mark),
                  f"tag {event.tag!r} is not allowed: a model holds plain data and nothing is "
                  "ever constructed from it", "forbidden-tag")


def _bad_value(event: Any, what: str, hint: str = "") -> _Abort:
    tag = event.tag
    expected = hint or _EXPECTED.get(tag, "")
    return _Abort(_position(event.start_mark),
                  f"{what} is not a valid {_short_tag(tag)}"
                  f"{f' ({expected})' if expected else ''}", "bad-tag-value")


def _scalar(event: Any) -> Any:
    """The value of a scalar: its explicit tag, else the type its plain text resolves to."""
    tag = event.tag
    value: str = event.value
    if tag is None or tag == "!":
        # The C parser reports plain scalars with style '', the Python one with None.
        if event.style not in (None, "") or not event.implicit[0]:
            return value
        return _implicit(event, value)
    return _tagged(event)


def _implicit(event: Any, value: str) -> Any:
    if not value:
        return None
    if value[0] in _NUMBER_START:
        if _INT_FORM.fullmatch(value):
            return _to_int(event, value, tagged=False)
        if _FLOAT_FORM.fullmatch(value):
            return _to_float(value)
        return value
    if value in _NULLS:
        return None
    return _BOOLS.get(value, value)


def _tagged(event: Any) -> Any:
    """A scalar with an explicit tag, held to it: a value that does not fit is an error."""
    tag = event.tag
    value: str = event.value
    if tag not in _SCALAR_TAGS:
        if tag in (_MAP, _SEQ):
            raise _bad_value(event, f"the single value {_shown(value)}",
                             "a mapping" if tag == _MAP else "a list")
        raise _forbidden(event)
    if tag == _STR:
        return value
    if tag == _NULL:
        if value in _NULLS:
            return None
    elif tag == _BOOL:
        if value in _BOOLS:
            return _BOOLS[value]
    elif tag == _INT:
        if _INT_FORM.fullmatch(value):
            return _to_int(event, value, tagged=True)
        if ":" in value and _TAGGED_FLOAT_FORM.fullmatch(value.replace(":", "")):
            raise _bad_value(event, _shown(value), "base-60 numbers such as 1:30 are not "
                             "read; write the number itself")
    elif tag == _FLOAT:
        if _TAGGED_FLOAT_FORM.fullmatch(value):
            return _to_float(value)
    elif _TIMESTAMP_FORM.fullmatch(value):
        # Dates stay the text the author wrote, as in YAML 1.2 and in editors' language servers.
        return value
    raise _bad_value(event, _shown(value) if value else "an empty value")


def _to_int(event: Any, value: str, *, tagged: bool) -> Any:
    """The integer written in one of the forms of ``_INT_FORM``, refused when above 256 bits.

    The length is checked before converting, so no input makes a huge integer or spends more
    than linear time on one.
    """
    digits = value.replace("_", "")
    negative = digits[0] == "-"
    digits = digits.lstrip("+-")
    if digits[:2] in ("0b", "0x"):
        base, digits = (2 if digits[1] == "b" else 16), digits[2:]
    elif len(digits) > 1 and digits[0] == "0":
        base = 8
    else:
        base = 10
    if not digits:
        # `0x_` has the shape of a number but no digits: text, unless it claims to be a number.
        if tagged:
            raise _bad_value(event, _shown(value))
        return value
    significant = digits.lstrip("0")
    if len(significant) <= _MAX_DIGITS[base]:
        number = int(significant, base) if significant else 0
        if number.bit_length() <= _MAX_INT_BITS:
            return -number if negative else number
    raise _Abort(_position(event.start_mark),
                 f"the number {_shown(value)} is too large to read", "bad-number")


def _to_float(value: str) -> float:
    text = value.replace("_", "").lower()
    if text.endswith((".inf", ".nan")):
        return float(text.replace(".", ""))
    return float(text)


def parse(text: str, file: str) -> Document | LoadFailure:
    """Parse YAML text into plain data (dicts, lists, str, int, float, bool, None) and positions.

    A problem that leaves the data well defined (a duplicate key: the first value is kept) does
    not stop the reading: it is in ``Document.diagnostics``, so the rest of the file is still
    checked and every problem reported at once. Anything else is a ``LoadFailure``.
    """
    source = SourceMap()
    problems: list[Diagnostic] = []
    try:
        try:
            with paused_gc():
                data = _build(text, file, source, _EventParser, problems)
        except yaml.YAMLError as exc:
            if "maximum nesting depth" not in str(exc):
                raise
            # libyaml stops at its own depth limit, far past ours; the Python parser reaches
            # our limit first and so reports where the nesting became too deep.
            data = _build(text, file, SourceMap(), None, [])
    except _Abort as abort:
        return _error(file, abort.position, abort.message, abort.code)
    except yaml.YAMLError as exc:
        return _yaml_problem(exc, file, text)
    except RecursionError:
        return _error(file, START, "document is nested too deeply", "too-deep")
    if isinstance(data, LoadFailure):
        return data
    return Document(file, data, source, text, tuple(problems))


_NO_DOCUMENT = object()
_KINDS = {"MappingStartEvent": (_MAP, "a mapping"), "SequenceStartEvent": (_SEQ, "a list")}


def _build(text: str, file: str, source: SourceMap, parser_class: Any,
           problems: list[Diagnostic]) -> Any:
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    root: Any = _NO_DOCUMENT
    documents = 0
    total_nodes = 0
    parser = parser_class(text) if parser_class is not None else None
    events = _iter_events(parser, text)

    def attach(value: Any, mark: Any, nodes: int, new_nodes: int) -> None:
        """Place a finished value in its parent; ``nodes`` is its size with aliases expanded."""
        nonlocal root, total_nodes
        total_nodes += new_nodes
        if total_nodes > MAX_NODES:
            raise _Abort(_as_position(mark), f"document expands to more than {MAX_NODES:,} values "
                         "(aliases repeated too often?); aliases this large are refused",
                         "too-large")
        if not stack:
            root = value
            source.values[()] = mark
            return
        frame = stack[-1]
        frame.nodes += nodes
        container = frame.container
        positions = frame.source
        if isinstance(container, list):
            path = (*frame.path, len(container))
            positions.values[path] = mark
            container.append(value)
            return
        if frame.key is None:
            if not isinstance(value, str | int | float | bool) and value is not None:
                raise _Abort(_as_position(mark), "mapping keys must be plain words, not lists or "
                             "mappings", "bad-key")
            key = "<<" if value == "<<" else _key_text(value)
            if key in frame.merged:
                frame.merged.discard(key)
                del container[key]
            elif key in container and key != "<<":
                first = _as_position(positions.keys.get((*frame.path, key), START))
                problems.append(Diagnostic(
                    file, _as_position(mark), Severity.ERROR,
                    f"duplicate key {key!r}: it is already set at line {first.line}, column "
                    f"{first.column}; the first value is the one read and this one is ignored "
                    "(YAML would silently keep only the last): remove one of them",
                    "duplicate-key", format_path((*frame.path, key))))
                frame.dropping = True
            frame.key = key
            frame.key_mark = mark
            return
        key = frame.key
        frame.key = None
        if frame.dropping:
            frame.dropping = False
            return
        if key == "<<":
            assert isinstance(container, dict)
            frame.merged |= _merge(container, value, _as_position(mark))
            return
        path = (*frame.path, key)
        assert frame.key_mark is not None
        positions.keys[path] = frame.key_mark
        positions.values[path] = mark
        container[key] = value

    for event in events:
        kind = type(event).__name__
        if kind == "ScalarEvent":
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                # Keys are the text as written: `1:` or `yes:` are names here, not values;
                # an explicit tag on a key must still fit it.
                if event.tag is not None and event.tag != "!":
                    _tagged(event)
                value = event.value
            else:
                value = _scalar(event)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            attach(value, event.start_mark, 1, 1)
        elif kind in _KINDS:
            own_tag, what = _KINDS[kind]
            if event.tag not in (None, "!", own_tag):
                if event.tag in _SCALAR_TAGS or event.tag in (_MAP, _SEQ):
                    raise _Abort(_position(event.start_mark), f"{what} is not a valid "
                                 f"{_short_tag(event.tag)}", "bad-tag-value")
                raise _forbidden(event)
            if len(stack) >= MAX_DEPTH:
                raise _Abort(_position(event.start_mark),
                             f"document is nested more than {MAX_DEPTH} levels deep",
                             "too-deep")
            container: dict[str, Any] | list[Any] = {} if kind == "MappingStartEvent" else []
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                raise _Abort(_position(event.start_mark), "mapping keys must be plain words, "
                             "not lists or mappings", "bad-key")
            path = _child_path(stack)
            positions = source
            if stack:
                parent = stack[-1]
                positions = SourceMap() if parent.dropping else parent.source
            stack.append(_Frame(container, path, event.anchor, positions))
            positions.values[path] = event.start_mark
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            frame = stack.pop()
            start = frame.source.values.get(frame.path, START)
            if frame.anchor:
                anchors[frame.anchor] = (frame.container, frame.nodes)
            attach(frame.container, start, frame.nodes, 1)
        elif kind == "AliasEvent":
            if event.anchor not in anchors:
                raise _Abort(_position(event.start_mark),
                             f"alias *{event.anchor} refers to no anchor", "yaml-syntax")
            value, nodes = anchors[event.anchor]
            if (stack and isinstance(stack[-1].container, dict) and stack[-1].key is None
                    and not isinstance(value, str)):
                raise _Abort(_position(event.start_mark), "mapping keys must be plain "
                             "words, not lists or mappings", "bad-key")
            attach(value, event.start_mark, nodes, nodes)
        elif kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _Abort(_position(event.start_mark),
                             "file holds more than one YAML document (a second `---`); a "
                             "model is one document", "multiple-documents")
    if root is _NO_DOCUMENT or root is None:
        return LoadFailure((Diagnostic(
            file, START, Severity.ERROR,
            "file is empty (or holds only comments): a model starts with `version: 1`",
            "empty"),))
    return root


def _child_path(stack: list[_Frame]) -> Path:
    if not stack:
        return ()
    parent = stack[-1]
    if isinstance(parent.container, list):
        return (*parent.path, len(parent.container))
    assert parent.key is not None
    return (*parent.path, parent.key)


def _key_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _merge(container: dict[str, Any], value: Any, position: Position) -> set[str]:
    """Add the keys of merged mappings that are not set explicitly; return the added keys."""
    added: set[str] = set()
    sources = value if isinstance(value, list) else [value]
    for item in sources:
        if not isinstance(item, dict):
            raise _Abort(position, "merge key `<<` needs a mapping or a list of mappings",
                         "yaml-syntax")
        for key, item_value in item.items():
            if key not in container:
                container[key] = item_value
                added.add(key)
    return added


def _iter_events(parser: Any, text: str) -> Any:
    if parser is None:
        yield from yaml.parse(text, Loader=yaml.SafeLoader)
        return
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            yield event
            if type(event).__name__ == "StreamEndEvent":
                return
    finally:
        parser.dispose()
