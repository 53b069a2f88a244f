"""Generate valid system models of any size, for benchmarks and scale tests.

    python benchmarks/generate.py 1000 > big.yaml
"""

from __future__ import annotations

import random
import sys

# A repeating unit of a realistic AI system: an entry point, an agent with its tools, a model,
# retrieval and storage. Its components are wired to each other and, sparsely, to other units.
_UNIT = [
    ("user", "user", "internet", None),
    ("app", "client-app", "internet", None),
    ("gw", "api-gateway", "vpc", None),
    ("svc", "service", "vpc", None),
    ("agent", "agent", "vpc", "agent"),
    ("llm", "foundation-model", "provider", "model"),
    ("vec", "vector-store", "vpc", "store"),
    ("db", "data-store", "vpc", "store"),
    ("tool", "tool", "vpc", "tool"),
    ("mcp", "mcp-server", "provider", "tool"),
]


def generate(components: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    units = max(1, components // len(_UNIT))
    lines = [
        "version: 1",
        "system:",
        f"  name: Generated system with {units * len(_UNIT)} components",
        "  phase: production",
        "boundaries:",
        "  - {id: internet, name: Internet, kind: internet}",
        "  - {id: cloud, name: Cloud account, kind: cloud-account}",
        "  - {id: vpc, name: VPC, kind: vpc, parent: cloud}",
        "  - {id: provider, name: Model provider, kind: saas-provider}",
        "components:",
    ]
    flows: list[str] = []
    for u in range(units):
        ids = {name: f"{name}-{u}" for name, *_ in _UNIT}
        for name, ctype, boundary, section in _UNIT:
            cid = ids[name]
            lines.append(f"  - id: {cid}")
            lines.append(f"    name: {ctype.replace('-', ' ').title()} {u}")
            lines.append(f"    type: {ctype}")
            lines.append(f"    boundary: {boundary}")
            if section == "agent":
                approval = rng.choice(["none", "high-risk", "every-action"])
                lines += [
                    "    agent:",
                    f"      model: {ids['llm']}",
                    "      tools:",
                    f"        - {{tool: {ids['tool']}, permissions: [read, write]}}",
                    f"        - {{tool: {ids['mcp']}, permissions: [read]}}",
                    f"      runs_generated_code: {str(rng.random() < 0.3).lower()}",
                    f"      approval: {approval}",
                    "      triggers: [user]",
                ]
            elif section == "model":
                lines += ["    hosting: managed-api",
                          "    model: {provider: Example, origin: pre-trained}"]
            elif section == "store":
                lines += ["    data: [pii, internal]",
                          f"    store: {{encrypted_at_rest: {str(rng.random() < 0.8).lower()}, "
                          f"ingests_untrusted: {str(name == 'vec').lower()}}}"]
            elif section == "tool":
                source = "community" if name == "mcp" else "first-party"
                lines.append(f"    tool: {{authentication: oauth, side_effects: [read, write], "
                             f"source: {source}}}")
        chain = [("user", "app", "untrusted-content"), ("app", "gw", "pii"),
                 ("gw", "svc", "pii"), ("svc", "agent", "pii"), ("agent", "llm", "pii"),
                 ("agent", "tool", "internal"), ("agent", "mcp", "internal"),
                 ("svc", "vec", "internal"), ("vec", "agent", "untrusted-content"),
                 ("svc", "db", "pii"), ("tool", "db", "internal"), ("llm", "agent", "internal"),
                 ("agent", "svc", "internal"), ("svc", "app", "pii"), ("db", "svc", "pii")]
        # Each exchange both ways (about 3 flows per component, as the benchmark asks).
        pairs = [*chain, *((b, a, data) for a, b, data in chain)]
        for n, (a, b, data) in enumerate(pairs):
            encrypted = str(rng.random() < 0.9).lower()
            authenticated = str(rng.random() < 0.85).lower()
            flows.append(f"  - {{id: f{u}-{n}, from: {ids[a]}, to: {ids[b]}, data: [{data}], "
                         f"protocol: https, authenticated: {authenticated}, "
                         f"encrypted: {encrypted}}}")
        if u:
            other = rng.randrange(u)
            flows.append(f"  - {{id: x{u}, from: svc-{u}, to: svc-{other}, data: [internal], "
                         "protocol: grpc, authenticated: true, encrypted: true}")
    return "\n".join([*lines, "flows:", *flows]) + "\n"


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100), end="")
