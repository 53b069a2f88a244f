"""`catalog`: browse the knowledge base's threats, controls and facts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from scoping_tui.cli.support import (
    EXIT_OK,
    EXIT_USAGE,
    catalog_or_report,
    formatter,
    printable,
)
from scoping_tui.engine.catalog import Catalog
from scoping_tui.engine.index import NAMED_SETS
from scoping_tui.model.suggest import did_you_mean


def register(sub: argparse._SubParsersAction[Any]) -> None:
    catalog = sub.add_parser(
        "catalog", formatter_class=formatter,
        help="browse the threats, controls and facts of the knowledge base",
        description="Browse the knowledge base: the threats, the controls and the facts rules "
        "can test. Add organisation catalogs with --catalog.",
        epilog="examples:\n  scoping-tui catalog list --kind threats --framework owasp-agentic\n"
        "  scoping-tui catalog show LLM01-DIRECT-INJECTION\n  scoping-tui catalog facts\n",
    )
    catalog.add_argument("action", choices=("list", "show", "facts"),
                         help="list entries, show one, or list the facts rules can use")
    catalog.add_argument("id", nargs="?", metavar="ID", help="with show: a threat or control id")
    catalog.add_argument("--kind", choices=("threats", "controls"), default=None,
                         help="with list: only threats or only controls")
    catalog.add_argument("--framework", metavar="NAME", default=None,
                         help="with list: only entries citing this framework (owasp-llm, "
                         "owasp-agentic, owasp-asi, atlas, nist-ai-rmf, saif, ...)")
    catalog.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                         help="also load this catalog file (repeatable)")
    catalog.set_defaults(run=cmd_catalog)


def cmd_catalog(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.engine import facts

    catalog = catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_USAGE
    if args.action == "facts":
        for spec in sorted(facts.REGISTRY.values(), key=lambda s: (s.kind, s.name)):
            out.write(f"{spec.kind:9}  {spec.name:32}  {spec.value_type:4}  {spec.label}\n")
        out.write("\nSets a rule can name ({set: NAME} after in:)\n")
        for name, members in NAMED_SETS.items():
            out.write(f"  {name:22}  {', '.join(sorted(members))}\n")
        return EXIT_OK
    if args.action == "show":
        return _show(args.id, catalog, out)
    if args.framework is not None and args.framework not in catalog.frameworks:
        sys.stderr.write(f"unknown framework {args.framework!r}"
                         f"{did_you_mean(args.framework, catalog.frameworks)}; choose from "
                         f"{', '.join(sorted(catalog.frameworks))}\n")
        return EXIT_USAGE
    if args.kind in (None, "threats"):
        for threat in sorted(catalog.threats.values(), key=lambda t: t.id):
            refs = threat.references.get(args.framework, ()) if args.framework else ()
            if args.framework and not refs:
                continue
            tail = f"  [{', '.join(refs)}]" if refs else ""
            out.write(printable(f"threat   {threat.id:34} {threat.title}{tail}\n"))
    if args.kind in (None, "controls"):
        for control in sorted(catalog.controls.values(), key=lambda c: (c.phase_index, c.id)):
            refs = control.references.get(args.framework, ()) if args.framework else ()
            if args.framework and not refs:
                continue
            tail = f"  [{', '.join(refs)}]" if refs else ""
            out.write(printable(f"control  {control.id:34} {control.phase:10} "
                                 f"{control.title}{tail}\n"))
    return EXIT_OK


def _show(entry_id: str | None, catalog: Catalog, out: TextIO) -> int:
    if entry_id is None:
        sys.stderr.write("scoping-tui catalog show: name a threat or control id\n")
        return EXIT_USAGE
    lines: list[str] = []
    known = [*catalog.threats, *catalog.controls]
    exact = [i for i in known if i.lower() == entry_id.lower()]
    if len(exact) == 1:  # ids are upper case; `catalog show llm01-direct-injection` means it
        entry_id = exact[0]
    threat = catalog.threats.get(entry_id)
    control = catalog.controls.get(entry_id)
    if threat is not None:
        lines += [f"{threat.id}: {threat.title}", "", threat.description, ""]
        if threat.rationale:
            lines += [f"why it applies: {threat.rationale}", ""]
        if threat.false_positives:
            lines += [f"a false positive when: {threat.false_positives}", ""]
        lines += [f"target: {threat.target}   STRIDE: {', '.join(threat.stride)}   "
                  f"base likelihood {threat.likelihood}, impact {threat.impact}",
                  f"rating factors: {', '.join(threat.factors) or 'none'}",
                  f"mitigated by: {', '.join(catalog.mitigated_by.get(threat.id, ()))}"]
        refs = threat.references
    elif control is not None:
        lines += [f"{control.id}: {control.title}", "", control.description, "",
                  f"required from: {control.phase}   layer: {control.layer}",
                  f"dimension: {control.dimension or '-'}   discipline: "
                  f"{control.discipline or '-'}",
                  f"mitigates: {', '.join(control.mitigates)}"]
        if control.examples:
            lines.append("examples: " + "; ".join(control.examples))
        refs = control.references
    else:
        sys.stderr.write(f"no threat or control has the id {entry_id!r}"
                         f"{_id_hint(entry_id, known)}\n")
        return EXIT_USAGE
    lines.append("references:")
    for framework, ids in refs.items():
        for ref in ids:
            title = catalog.reference_title(framework, ref)
            lines.append(f"  {framework}: {ref}" + (f" — {title}" if title else ""))
    out.write(printable("\n".join(lines) + "\n"))
    return EXIT_OK


def _id_hint(entry_id: str, known: Sequence[str]) -> str:
    """What ``entry_id`` probably meant: the ids it starts (`LLM01` → both LLM01 threats), or
    the closest id."""
    wanted = entry_id.lower()
    starting = sorted(i for i in known if i.lower().startswith(wanted))
    if not starting:
        starting = sorted(i for i in known if wanted in i.lower())
    if starting and len(wanted) >= 2:
        shown = ", ".join(starting[:8]) + (f" and {len(starting) - 8} more"
                                           if len(starting) > 8 else "")
        return f"; {'the id' if len(starting) == 1 else 'ids'} with that in: {shown}"
    return did_you_mean(entry_id, known)
