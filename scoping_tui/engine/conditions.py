"""Declarative conditions of the knowledge base: parsed and checked once, evaluated many times.

A condition is data, never code::

    all:
      - {fact: type, in: [agent, orchestrator]}
      - {fact: agent.acting, is: true}
      - not: {fact: agent.approval, equals: every-action}

Leaves name a fact from ``engine.facts`` and one operator. ``all``/``any``/``not`` combine them.
Evaluation returns whether it holds and the evidence of the leaves that decided it.

Logic is three-valued: a leaf on a fact the model does not state (``FactValue.unknown``) is
undecided (None), and ``all``/``any``/``not`` combine that the way Kleene's logic does, so a
condition is undecided only when the unstated facts could still turn it either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scoping_tui.engine.facts import Evidence, FactSpec, FactValue, Unknown, lookup, names
from scoping_tui.engine.index import NAMED_SETS
from scoping_tui.model.suggest import did_you_mean

OPERATORS = {
    "is": ("bool",),
    "equals": ("str", "int", "bool"),
    "in": ("str", "int", "bool"),
    "contains": ("set",),
    "contains_any": ("set",),
    "at_least": ("int",),
    "at_most": ("int",),
    "not_empty": ("set",),
}


MAX_CONDITION_SIZE = 1_000
"""Most tests and listed values one condition may hold once aliases are expanded; the largest
built-in condition holds about 20. A few kilobytes of aliases can otherwise expand to
hundreds of thousands, evaluated on every element of every model."""
MAX_CONDITION_DEPTH = 16
"""Most all/any/not levels one condition may nest (built-in conditions use at most 4)."""


class ConditionError(ValueError):
    """A condition that names an unknown fact or misuses an operator; ``path`` locates it."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Leaf:
    fact: FactSpec
    operator: str
    operand: Any
    predicate: Callable[[Facts], bool | None] = field(default=lambda facts: False,
                                                      compare=False, repr=False)
    """``test`` bound to this leaf's fact, None when the fact is unknown: what ``decide``
    calls, thousands of times a run."""

    def test(self, value: Any) -> bool:
        op, operand = self.operator, self.operand
        if op == "is":
            return value is operand if isinstance(operand, bool) else value == operand
        if op == "equals":
            return bool(value == operand)
        if op == "in":
            return value in operand
        if op == "contains":
            return operand in value
        if op == "contains_any":
            return bool(set(value) & set(operand))
        if op == "at_least":
            return value is not None and value >= operand
        if op == "at_most":
            return value is not None and value <= operand
        if op == "not_empty":
            return bool(value) is operand
        raise AssertionError(op)


@dataclass(frozen=True)
class Node:
    combinator: str
    """all, any or not."""
    children: tuple[Condition, ...]
    predicate: Callable[[Facts], bool | None] = field(default=lambda facts: False,
                                                      compare=False, repr=False)


Condition = Leaf | Node
Facts = Callable[[FactSpec], FactValue]


def _leaf(spec: FactSpec, op: str, operand: Any) -> Leaf:
    leaf = Leaf(spec, op, operand)
    test = leaf.test

    def predicate(facts: Facts) -> bool | None:
        found = facts(spec)
        return None if found.unknown else test(found.value)
    return Leaf(spec, op, operand, predicate)


def _node(combinator: str, children: tuple[Condition, ...]) -> Node:
    predicates = tuple(child.predicate for child in children)
    # Plain loops, not all()/any() over a generator: this runs tens of thousands of times.
    if combinator == "all":
        def predicate(facts: Facts) -> bool | None:
            result: bool | None = True
            for child in predicates:
                value = child(facts)
                if value is False:
                    return False
                if value is None:
                    result = None
            return result
    elif combinator == "any":
        def predicate(facts: Facts) -> bool | None:
            result: bool | None = False
            for child in predicates:
                value = child(facts)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result
    else:
        inner = predicates[0]

        def predicate(facts: Facts) -> bool | None:
            value = inner(facts)
            return None if value is None else not value
    return Node(combinator, children, predicate)


@dataclass(frozen=True)
class Outcome:
    holds: bool | None
    """None when unstated facts leave it undecided."""
    evidence: tuple[Evidence, ...]
    unknown: tuple[Unknown, ...] = ()
    """The unstated facts that leave it undecided (empty when decided)."""


@dataclass
class Budget:
    """What is left of the size a condition may expand to; shared by a whole catalog so that
    many aliased copies of a rule cannot add up either."""

    left: int = MAX_CONDITION_SIZE

    def spend(self, amount: int, path: tuple[str | int, ...]) -> None:
        self.left -= amount
        if self.left < 0:
            raise ConditionError(
                f"the condition expands to more than {MAX_CONDITION_SIZE:,} tests and listed "
                "values (aliases repeated?); write it out or split the rule", path)


def compile_condition(raw: Any, kind: str, path: tuple[str | int, ...] = (),
                      budget: Budget | None = None) -> Condition:
    """Check a condition against the fact registry for targets of ``kind``; raise on misuse
    or when it expands past ``budget`` (a fresh one of MAX_CONDITION_SIZE by default)."""
    return _compile(raw, kind, path, budget if budget is not None else Budget(), 0)


def _compile(raw: Any, kind: str, path: tuple[str | int, ...], budget: Budget,
             depth: int) -> Condition:
    budget.spend(1, path)
    if depth > MAX_CONDITION_DEPTH:
        raise ConditionError(f"conditions nest more than {MAX_CONDITION_DEPTH} levels of "
                             "all/any/not deep", path)
    if not isinstance(raw, dict) or not raw:
        raise ConditionError("a condition is a mapping: {fact: NAME, OPERATOR: VALUE}, "
                             "or all/any/not", path)
    if "fact" not in raw:
        if len(raw) != 1:
            raise ConditionError(f"combine conditions with exactly one of all, any, not; got "
                                 f"{', '.join(sorted(map(str, raw)))}", path)
        (combinator, body), = raw.items()
        if combinator in ("all", "any"):
            if not isinstance(body, list) or not body:
                raise ConditionError(f"`{combinator}` takes a non-empty list of conditions",
                                     (*path, combinator))
            return _node(combinator, tuple(
                _compile(item, kind, (*path, combinator, i), budget, depth + 1)
                for i, item in enumerate(body)))
        if combinator == "not":
            return _node("not", (_compile(body, kind, (*path, "not"), budget, depth + 1),))
        raise ConditionError(f"unknown combinator {combinator!r}"
                             f"{did_you_mean(str(combinator), ['all', 'any', 'not', 'fact'])}",
                             path)
    name = raw["fact"]
    spec = lookup(kind, name) if isinstance(name, str) else None
    if spec is None:
        raise ConditionError(f"no {kind} fact is named {name!r}"
                             f"{did_you_mean(str(name), names(kind))}", (*path, "fact"))
    ops = [key for key in raw if key != "fact"]
    if len(ops) != 1:
        raise ConditionError(f"give exactly one operator ({', '.join(OPERATORS)}) with fact "
                             f"{name!r}", path)
    op = ops[0]
    if op not in OPERATORS:
        raise ConditionError(f"unknown operator {op!r}{did_you_mean(op, OPERATORS)}",
                             (*path, op))
    if spec.value_type not in OPERATORS[op]:
        allowed = [o for o, types in OPERATORS.items() if spec.value_type in types]
        raise ConditionError(f"operator {op!r} does not fit fact {name!r} (a {spec.value_type}); "
                             f"use {', '.join(allowed)}", (*path, op))
    operand = raw[op]
    if op in ("in", "contains_any") and isinstance(operand, dict):
        operand = _named_set(operand, (*path, op))
    if op in ("in", "contains_any") and not isinstance(operand, list):
        raise ConditionError(f"`{op}` takes a list, or one of the engine's sets as "
                             f"{{set: NAME}} ({', '.join(NAMED_SETS)})", (*path, op))
    if op == "is" and not (isinstance(operand, bool) or operand is None):
        raise ConditionError("`is` takes true, false or null", (*path, op))
    if op == "not_empty" and not isinstance(operand, bool):
        raise ConditionError("`not_empty` takes true or false", (*path, op))
    if op in ("at_least", "at_most") and not isinstance(operand, int):
        raise ConditionError(f"`{op}` takes a whole number", (*path, op))
    if isinstance(operand, list):
        budget.spend(len(operand), (*path, op))
        operand = tuple(operand)
    return _leaf(spec, op, operand)


def _named_set(raw: dict[Any, Any], path: tuple[str | int, ...]) -> list[str]:
    """The members of ``{set: NAME}``, sorted so conditions compare and print the same."""
    name = raw.get("set")
    if len(raw) != 1 or not isinstance(name, str):
        raise ConditionError(f"a named set is written {{set: NAME}}, NAME one of "
                             f"{', '.join(NAMED_SETS)}", path)
    members = NAMED_SETS.get(name)
    if members is None:
        raise ConditionError(f"no set is named {name!r}{did_you_mean(name, NAMED_SETS)}; the "
                             f"sets are {', '.join(NAMED_SETS)}", (*path, "set"))
    return sorted(members)


def decide(condition: Condition, facts: Facts) -> bool | None:
    """True, False, or None when unstated facts leave it open; no evidence (the hot path)."""
    return condition.predicate(facts)


def holds(condition: Condition, facts: Facts, worst_case: bool = False) -> bool:
    """Whether the condition holds on what the model states; with ``worst_case``, also when
    unstated facts could make it hold."""
    value = condition.predicate(facts)
    return value is True or (worst_case and value is None)


def evaluate(condition: Condition, facts: Facts) -> Outcome:
    if isinstance(condition, Leaf):
        found = facts(condition.fact)
        if found.unknown:
            return Outcome(None, found.evidence, found.unknown)
        return Outcome(condition.test(found.value), found.evidence)
    if condition.combinator == "not":
        child = condition.children[0]
        inner = evaluate(child, facts)
        evidence = inner.evidence
        # An exclusion that does not apply because its fact is not stated at all ("hosting:
        # not stated") tells a reviewer nothing about why the threat applies.
        if inner.holds is False and isinstance(child, Leaf) and facts(child.fact).value is None:
            evidence = ()
        return Outcome(None if inner.holds is None else not inner.holds, evidence,
                       inner.unknown)
    decisive = condition.combinator == "any"
    outcomes: list[Outcome] = []
    undecided: list[Outcome] = []
    for child in condition.children:
        outcome = evaluate(child, facts)
        if outcome.holds is decisive:
            return Outcome(decisive, outcome.evidence)
        (undecided if outcome.holds is None else outcomes).append(outcome)
    if undecided:
        # The evidence shows everything that made it hold so far and what is left unstated.
        return Outcome(None, _merge(o.evidence for o in (*outcomes, *undecided)),
                       tuple(dict.fromkeys(u for o in undecided for u in o.unknown)))
    return Outcome(not decisive, _merge(o.evidence for o in outcomes))


def _merge(groups: Any) -> tuple[Evidence, ...]:
    seen: dict[Evidence, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def type_guard(condition: Condition) -> frozenset[str] | None:
    """Component types outside which the condition can never hold, when it says so plainly.

    Lets the engine test a rule only on components of those types instead of on all of them.
    """
    if isinstance(condition, Leaf):
        if condition.fact.name != "type" or condition.fact.kind != "component":
            return None
        if condition.operator == "in":
            return frozenset(str(v) for v in condition.operand)
        if condition.operator == "equals":
            return frozenset([str(condition.operand)])
        return None
    guards = [type_guard(child) for child in condition.children]
    if condition.combinator == "all":
        known = [g for g in guards if g is not None]
        return frozenset.intersection(*known) if known else None
    if condition.combinator == "any" and all(g is not None for g in guards):
        return frozenset().union(*(g for g in guards if g is not None))
    return None


def leaves(condition: Condition) -> Sequence[Leaf]:
    if isinstance(condition, Leaf):
        return [condition]
    return [leaf for child in condition.children for leaf in leaves(child)]
