"""A three-way merge of lines, for keeping what a user wrote when ruamel re-emits a file.

An edit is made on ruamel's tree, which re-emits the whole file normalised (indentation,
quotes, blank lines); ``merge`` applies only the change that made (base → new) to the text the
user actually has, and ``tidy`` puts blank lines and comments back around inserted and deleted
blocks the way the file already spaces them. Nothing here knows YAML beyond indentation,
dashes and comments.
"""

from __future__ import annotations

import difflib


def is_blank(line: str) -> bool:
    return not line.strip()


def is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def is_trivia(line: str) -> bool:
    return is_blank(line) or is_comment(line)


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def is_dash(line: str) -> bool:
    stripped = line.lstrip(" ")
    return stripped == "-" or stripped.startswith("- ")


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    # autojunk would treat frequent lines ("    encrypted: true", blank lines) as junk in files
    # over 200 lines and give poor alignments exactly where models repeat themselves.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks()
            for k in range(block.size)}


def merge(ours: list[str], base: list[str], new: list[str]) -> list[str]:
    """diff3: apply the change base → new to ``ours`` (base with ruamel's normalisation undone).

    Lines that base shares with both sides split the three texts into aligned chunks. A chunk
    the edit did not touch keeps the file's own lines; one only the edit touched takes the new
    lines; where both differ (an edit inside a normalised region) the edit wins.
    """
    if ours == base:
        return list(new)
    if base == new:
        return list(ours)
    to_ours = _matches(base, ours)
    to_new = _matches(base, new)
    out: list[str] = []
    b0 = o0 = n0 = 0
    for b in range(len(base)):
        if b not in to_ours or b not in to_new:
            continue
        o, n = to_ours[b], to_new[b]
        out += _resolve(base[b0:b], ours[o0:o], new[n0:n])
        out.append(ours[o])
        b0, o0, n0 = b + 1, o + 1, n + 1
    out += _resolve(base[b0:], ours[o0:], new[n0:])
    return out


def _resolve(base: list[str], ours: list[str], new: list[str]) -> list[str]:
    if ours in (base, new):
        return new
    if new == base:
        return ours
    # Both sides changed this chunk. Usually they changed neighbouring lines (an edit right
    # next to a line ruamel normalises): split the chunk where one side's change ends.
    for split in range(len(base) + 1):
        head, tail = base[:split], base[split:]
        if new[:split] == head and len(ours) >= len(tail) and ours[len(ours) - len(tail):] == tail:
            return ours[:len(ours) - len(tail)] + new[split:]
        if ours[:split] == head and len(new) >= len(tail) and new[len(new) - len(tail):] == tail:
            return new[:len(new) - len(tail)] + ours[split:]
    return new  # the edit wins; ruamel's normalisation shows in this chunk only


def tidy(ours: list[str], merged: list[str]) -> list[str]:
    """Fix where ruamel puts blank lines and comments around a single insertion or deletion."""
    matcher = difflib.SequenceMatcher(None, ours, merged, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if len(changes) != 1:
        return merged
    tag, i1, i2, j1, j2 = changes[0]
    if tag == "insert":
        return _tidy_insert(ours, i1, merged[j1:j2])
    if tag == "delete":
        return _tidy_delete(ours, i1, i2)
    return merged


def _tidy_insert(ours: list[str], at: int, block: list[str]) -> list[str]:
    """Place an inserted block right after the previous element's own lines.

    Blank lines and comments at or left of the block's indentation that come before the
    insertion point introduce what follows (the next item, the next section), so the block
    goes above them. A blank line is put before the block when its siblings are separated by
    blank lines.
    """
    lead = 0
    while lead < len(block) and is_trivia(block[lead]):
        lead += 1
    trail = len(block)
    while trail > lead and is_trivia(block[trail - 1]):
        trail -= 1
    content = block[lead:trail]
    if not content:
        return ours[:at] + block + ours[at:]
    before = ours[:at] + block[:lead]
    after = block[trail:] + ours[at:]
    column = indent_of(content[0])
    dash = is_dash(content[0])
    spot = len(before)
    while spot > 0 and (is_blank(before[spot - 1])
                        or (is_comment(before[spot - 1])
                            and indent_of(before[spot - 1]) <= column)):
        spot -= 1
    if spot == 0 or is_blank(before[spot - 1]):
        # Nothing but trivia above: leave ruamel's placement alone.
        return before + content + after
    separator = [""] if _blank_separated(before[:spot], column, dash) else []
    return before[:spot] + separator + content + before[spot:] + after


def _blank_separated(lines: list[str], column: int, dash: bool) -> bool:
    """Whether the siblings above (lines at ``column``) are separated by blank lines."""
    with_blank = without = 0
    index = len(lines) - 1
    while index >= 0:
        line = lines[index]
        if is_trivia(line) or indent_of(line) > column:
            index -= 1
            continue
        if indent_of(line) < column or (dash and not is_dash(line)):
            break  # the parent
        if not dash and is_dash(line):
            index -= 1  # a list item at the key's column belongs to the key above it
            continue
        above = index - 1
        while above >= 0 and is_comment(lines[above]):
            above -= 1
        if above >= 0 and is_blank(lines[above]):
            with_blank += 1
        elif above >= 0 and not _is_parent(lines[above], column, dash):
            without += 1
        index -= 1
    return with_blank > 0 and with_blank >= without


def _is_parent(line: str, column: int, dash: bool) -> bool:
    return indent_of(line) < column or (dash and indent_of(line) == column and not is_dash(line))


def _tidy_delete(ours: list[str], start: int, end: int) -> list[str]:
    """Keep the lines a deleted element carried that belong to what follows it.

    Trailing comments at or left of the element's indentation introduce the next element;
    a trailing blank line is kept when it was the only thing separating the element's
    predecessor from its successor.
    """
    removed = ours[start:end]
    content = [line for line in removed if not is_trivia(line)]
    if not content:
        return ours[:start] + ours[end:]
    column = indent_of(content[0])
    tail = len(removed)
    while tail > 0 and is_trivia(removed[tail - 1]):
        tail -= 1
    owned = next((index for index in range(tail, len(removed))
                  if is_comment(removed[index]) and indent_of(removed[index]) <= column),
                 len(removed))
    kept = removed[owned:]
    prefix, following = ours[:start], ours[end:]
    previous = prefix[-1] if prefix else None
    if previous is None or is_blank(previous) \
            or _is_parent(previous, column, is_dash(content[0])):
        # No blank line right after a parent key or after another blank line. The last
        # element of ``following`` may be the "" that stands for the final newline: keep it.
        if not kept:
            while len(following) > 1 and is_blank(following[0]):
                following = following[1:]
    else:
        kept = [line for line in removed[tail:owned] if is_blank(line)] + kept
    if not kept and all(is_blank(line) for line in following):
        # The element was the last thing in the file: no blank lines before the end.
        while prefix and is_blank(prefix[-1]):
            prefix = prefix[:-1]
    return prefix + kept + following
