"""Names and words the importers share: how a foreign tool's text becomes ours.

Each importer keeps what is particular to its tool (its enumerations, the words its users write,
the order its keyword tables are tried in). What is here, two or more importers read the same
way, so that a fix to it reaches all of them and their models come out alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from scoping_tui.formats.common import ModelBuilder, Source, comment_text
from scoping_tui.model.paths import Path

# --- data classes ----------------------------------------------------------------------------

DATA_CLASSES = ("public", "internal", "confidential", "restricted", "pii", "phi", "payment",
                "financial", "credentials", "untrusted-content", "model-artifacts", "training-data")
"""Our data classifications in the order of the schema's enum, so data lists come out the same
every time whatever order the source gave them in."""


def ordered_classes(classes: Iterable[str]) -> list[str]:
    """Each of ``classes`` once, in ``DATA_CLASSES`` order."""
    chosen = set(classes)
    return [name for name in DATA_CLASSES if name in chosen]


CLASS_WORDS: tuple[tuple[str, str], ...] = (
    ("pii", r"pii|personal|gdpr|profiles?|e-?mails?|addresse?s?|phones?|ssn|passports?|"
            r"customers?|user accounts?|user data"),
    ("credentials", r"credentials?|passwords?|passwd|secrets?|tokens?|api[- ]?keys?|keys?|"
                    r"certificates?|sessions?|cookies?"),
    ("payment", r"payments?|cards?|credit cards?|iban|billing|pci|bank accounts?"),
    ("financial", r"financial|finances?|invoices?|ledgers?|transactions?|salar(y|ies)|payroll|"
                  r"accounting"),
    ("phi", r"phi|health|medical|patients?|diagnos[ie]s|clinical"),
    ("untrusted-content", r"prompts?|chats?|messages?|uploads?|user inputs?|user[- ]generated|"
                          r"comments?|web content|web pages?"),
    ("training-data", r"training data|training sets?|datasets?|fine[- ]tuning data"),
    ("model-artifacts", r"model weights|weights|checkpoints?|adapters?|model artifacts?"),
)
"""Words in a data item's name that suggest a class a confidentiality level cannot express
(pytm and Threagile data carry a level and a name, nothing more). Patterns over
``plain_words()`` text; the order is the order guesses are reported in."""


def class_patterns(extra: Mapping[str, str] | None = None
                   ) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``CLASS_WORDS`` compiled, each class with a tool's own further words from ``extra``."""
    extra = extra or {}
    return word_patterns((name, f"{words}|{extra[name]}" if name in extra else words)
                         for name, words in CLASS_WORDS)


def guessed_classes(patterns: Iterable[tuple[str, re.Pattern[str]]], text: str,
                    known: Iterable[str]) -> list[str]:
    """The classes whose pattern matches ``text`` (from ``plain_words()``), but ``known``."""
    have = set(known)
    return [name for name, pattern in patterns if name not in have and pattern.search(text)]


# --- keywords --------------------------------------------------------------------------------

def plain_words(*texts: str) -> str:
    """The texts in lower case with every run of other characters a space, for the word
    patterns of ``word_patterns``."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()) for text in texts)


def word_patterns(table: Iterable[tuple[str, str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each ``(result, alternatives)`` row compiled to match whole words only."""
    return tuple((result, re.compile(rf"\b(?:{alternatives})\b")) for result, alternatives in table)


LLM_WORDS = re.compile(r"\b(?:llm|llms|gpt|chatgpt|claude|gemini|llama|mistral|openai|"
                       r"bedrock|language model|chat ?bot|genai|copilot|ai agent|agent|"
                       r"embeddings?)\b")
"""Words in a ``plain_words()`` name that suggest an LLM or agent. pytm and Threagile type
elements by class or technology; when those say otherwise the type is kept and a human is
asked."""

# --- names and component layout ----------------------------------------------------------------

COMPONENT_KEYS = ("id", "name", "type", "boundary", "hosting", "owner", "description", "data",
                  "tags", "model", "agent", "store", "tool")
"""The order of a component's keys in the bundled samples, so an imported model reads like
them."""


def in_key_order(component: dict[str, Any]) -> dict[str, Any]:
    """The component's keys in ``COMPONENT_KEYS`` order."""
    return {key: component[key] for key in COMPONENT_KEYS if key in component}


def agent_section(out: ModelBuilder, agent_id: str,
                  reached: Iterable[tuple[dict[str, Any], dict[str, Any]]],
                  grantable: Collection[str], model_note: str) -> dict[str, Any]:
    """An agent's ``agent`` section from the components its flows reach, each with its grant.

    pytm and Threagile know an agent only by its class or tags, so what its flows reach is the
    evidence: the first foundation model is its model (a guess, noted as "reasons with X,
    ``model_note``"), every ``grantable`` component a tool, once, with the grant beside it.
    """
    agent: dict[str, Any] = {}
    tools: list[dict[str, Any]] = []
    for target, grant in reached:
        if target["type"] == "foundation-model" and "model" not in agent:
            agent["model"] = target["id"]
            out.note("guessed", f"reasons with {target['id']!r}, {model_note}", agent_id)
        elif target["type"] in grantable and target["id"] not in {t["tool"] for t in tools}:
            tools.append({"tool": target["id"], **grant})
    if tools:
        agent["tools"] = tools
    return agent


def one_line(text: str, fallback: str) -> str:
    """A one-line name: no control, line-break or bidi characters, at most 200 characters."""
    cleaned = " ".join(comment_text(text).split())
    return (cleaned or fallback)[:200].rstrip() or fallback


# --- the text of prose-first tools (Threat Composer, Threat Dragon) ----------------------------

NAME_LIMIT = 200
TEXT_LIMIT = 4000
SYSTEM_TEXT_LIMIT = 20000

# Characters that must not reach the model: control characters (newlines are kept in
# descriptions), bidirectional overrides that reorder what a reader sees, lone surrogates and
# the byte-order mark.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]")


def clean_name(text: str, limit: int = NAME_LIMIT) -> str:
    """One line of safe text, at most ``limit`` characters (cut with an ellipsis)."""
    flat = " ".join(_UNSAFE.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def clean_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """Safe multi-line text, at most ``limit`` characters."""
    text = _UNSAFE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return joined if len(joined) <= limit else joined[:limit - 1].rstrip() + "…"


def shorten(text: str, limit: int = 160) -> str:
    """A short one-line quote of ``text`` for a note."""
    return clean_name(text, limit)


def system_name(raw: str, out: ModelBuilder, fallback: str, owner: str, field: str) -> str:
    """The system's name from the ``field`` of the source's ``owner`` (its application, its
    model); ``fallback`` when it is blank, with a note either way it was changed."""
    name = clean_name(raw)
    if not name:
        name = fallback
        out.note("guessed", f"the {owner} has no {field}: called it {name!r}")
    elif len(" ".join(raw.split())) > NAME_LIMIT:
        out.note("human", f"the {owner} {field} was cut to {NAME_LIMIT} characters")
    return name


def number(source: Source, path: Path) -> float | None:
    """A finite number at ``path``, or None when there is nothing there (Threat Composer's
    numeric ids, Threat Dragon's geometry)."""
    value = source.at(path)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = ("a boolean" if isinstance(value, bool) else "an object" if isinstance(value, dict)
                else "a list" if isinstance(value, list) else "text")
        raise source.fail(path, f"expected a number here, found {kind}")
    if not math.isfinite(value) or abs(value) > 1e15:
        raise source.fail(path, "expected a number of ordinary size here")
    return float(value)
