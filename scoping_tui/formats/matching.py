"""Mapping free text onto the catalog: which threats and controls a tool's prose speaks of.

Threat Composer and Threat Dragon describe threats and mitigations in prose, not with catalog
ids. The matcher reads such a text and names the catalog entries it speaks of, each with the
reason (``Match.why``) that the importer writes down as a note; ``ControlSet`` gathers the
controls matched on mitigations into the model's control declarations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import ModelBuilder, NoteKind
from scoping_tui.formats.vocabulary import clean_name, clean_text

# --- the matcher -----------------------------------------------------------------------------
#
# A text maps onto a catalog entry in one of four ways, tried in this order:
#   id      it names the catalog id itself (LLM01-DIRECT-INJECTION);
#   code    it names an OWASP Top 10 for LLM Applications code (LLM06), read with the 2025
#           numbering and confirmed by the phrase table where one code covers several entries;
#   phrase  it contains a phrase of the curated table below (each pattern is the evidence);
#   title   it contains every significant word of the entry's title (at least three words).
# The first three are recorded as "mapped" (with the reason), title matches as "guessed".
# Patterns run on lower-case text with dashes, underscores and slashes turned into spaces.

MatchHow = Literal["id", "code", "phrase", "title"]


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    how: MatchHow
    why: str

    @property
    def kind(self) -> NoteKind:
        return "guessed" if self.how == "title" else "mapped"


THREAT_PHRASES: tuple[tuple[str, str], ...] = (
    ("LLM01-DIRECT-INJECTION",
     r"(?<!indirect )\bprompt injections?\b|\bdirect prompt injection|\bjailbr[eo]ak\w*"
     r"|\bprompt attacks?\b|\bignor(?:e|es|ing) (?:the |its |all |previous |prior )*"
     r"(?:instructions|rules|guardrails)"),
    ("LLM01-INDIRECT-INJECTION",
     r"\bindirect (?:prompt )?injection|\bindirect or direct prompt injection"
     r"|\bhidden instructions|\b(?:malicious|injected|embedded) instructions"
     r"|\binstructions (?:hidden|embedded) in|\bcross domain prompt injection"),
    ("LLM02-SENSITIVE-DISCLOSURE",
     r"\bsensitive (?:information|data) disclosure|\bpii (?:leak\w*|exposure|disclosure)"
     r"|\b(?:disclos|leak|reveal|expos)\w* [^.]{0,60}\b(?:in|through|via) (?:its |the |an |"
     r"model |llm )?(?:answers?|responses?|outputs?|completions?)\b"),
    ("LLM02-PROVIDER-RETENTION",
     r"\b(?:model )?provider (?:retains|keeps|stores|logs)"
     r"|\b(?:trains?|training) on (?:our |customer |user )?(?:prompts|inputs|conversations)"
     r"|\bdata retention by (?:the )?(?:model )?provider"),
    ("LLM03-MODEL-SUPPLY-CHAIN",
     r"\b(?:compromised|malicious|backdoored|poisoned|tampered) (?:pre trained |third party "
     r"|open source |base )?(?:models?|weights)\b|\bmodel supply chain"),
    ("LLM03-UNSAFE-MODEL-ARTIFACT",
     r"\bpickle\b|\bunsafe (?:model )?deseriali[sz]ation|\bdeseriali[sz]ation of (?:the )?model"),
    ("LLM04-TRAINING-DATA-POISONING",
     r"\b(?:training |fine tuning )?data poisoning|\bmodel poisoning"
     r"|\bpoison\w* (?:the )?(?:training|fine tuning) (?:data|set|dataset)"
     r"|\btamper\w* with (?:the )?(?:training|fine tuning) data"),
    ("LLM05-IMPROPER-OUTPUT-HANDLING",
     r"\b(?:improper|insecure|unsafe) output handling|\b(?:insufficient )?output encoding"
     r"|\bmalicious (?:llm |model )?outputs?\b|\bunvalidated (?:llm |model )?outputs?\b"),
    ("LLM06-EXCESSIVE-AGENCY",
     r"\bexcessive (?:agency|autonomy|functionality|permissions)"),
    ("LLM07-SYSTEM-PROMPT-LEAKAGE",
     r"\bsystem prompt (?:leak\w*|disclosure|extraction|exposure)"
     r"|\b(?:leak|reveal|extract|expose|disclose)\w* (?:the |its )?system prompt"),
    ("LLM08-RETRIEVAL-POISONING",
     r"\b(?:rag|retrieval|knowledge base|vector (?:store|database|db)|embeddings?) poisoning"
     r"|\bpoison\w* (?:the )?(?:rag|retrieval|knowledge base|vector (?:store|database|db)"
     r"|embeddings?|indexed documents)|\bvector and embedding weakness\w*"),
    ("LLM08-CROSS-TENANT-RETRIEVAL",
     r"\bcross (?:tenant|user) (?:retrieval|data|leak\w*|access)"
     r"|\banother (?:tenant|user)'?s? (?:data|documents|records)"
     r"|\bother (?:tenants|users)'? (?:data|documents|records)"),
    ("LLM09-MISINFORMATION",
     r"\bmisinformation|(?<!cascading )\bhallucinat\w*|\bover ?reliance|\bconfabulat\w*"),
    ("LLM10-UNBOUNDED-CONSUMPTION",
     r"\bunbounded consumption|\bdenial of wallet|\bmodel denial of service"
     r"|\b(?:expensive|costly) (?:requests|queries|prompts|computing operations)"
     r"|\bresource exhaustion|\btoken (?:flood\w*|exhaustion)"),
    ("LLM10-MODEL-EXTRACTION",
     r"\bmodel (?:theft|extraction|stealing)|\bdistillation attack"
     r"|\b(?:steal|stealing|extract|extracting|clone|cloning|replicate) (?:the |a |our )?"
     r"(?:model|llm)'?s? (?:behaviou?r|functionality|through|via)"),
    ("AGENT-MEMORY-POISONING",
     r"\bmemory poisoning|\bpoison\w* (?:the )?(?:agent'?s? |long term |conversation |chat )?"
     r"(?:memory|history)"),
    ("AGENT-TOOL-MISUSE",
     r"\btool misuse|\b(?:misuse|abuse) (?:of )?(?:its |the |the agent'?s? )?tools"),
    ("AGENT-PRIVILEGE-COMPROMISE",
     r"\bprivilege compromise|\bover ?privileged (?:agent|credentials|identity)"),
    ("AGENT-RESOURCE-OVERLOAD",
     r"\bagent (?:loops?|resource overload)|\binfinite loops?\b|\bresource overload"),
    ("AGENT-CASCADING-HALLUCINATION",
     r"\bcascading (?:hallucination|failures?|errors?)"),
    ("AGENT-GOAL-HIJACK",
     r"\bgoal (?:hijack\w*|manipulation)|\bintent (?:breaking|manipulation)"),
    ("AGENT-MISALIGNED-BEHAVIOR", r"\bmisaligned\b|\bdeceptive behaviou?r"),
    ("AGENT-REPUDIATION",
     r"\bagent'?s? actions? (?:cannot|can't|can not) be (?:traced|attributed)"
     r"|\bagent repudiation"),
    ("AGENT-IDENTITY-SPOOFING",
     r"\bagent (?:impersonation|identity spoofing)"
     r"|\bimpersonat\w* (?:the |an |another )?(?:agent|principal)"),
    ("AGENT-HITL-OVERWHELM",
     r"\b(?:approval|review|reviewer) fatigue|\boverwhelm\w* (?:the )?(?:human )?"
     r"(?:reviewers|approvers)|\brubber stamp\w*"),
    ("AGENT-CODE-EXECUTION",
     r"\b(?:llm |model |agent )?generated code\b|\bcode interpreter"),
    ("AGENT-COMMUNICATION-POISONING",
     r"\b(?:agent communication|inter agent|agent to agent) (?:poisoning|messages? "
     r"(?:tamper\w*|inject\w*|spoof\w*))"),
    ("AGENT-ROGUE", r"\brogue agents?"),
    ("AGENT-PROTOCOL-ABUSE",
     r"\bmcp (?:server )?(?:hijack\w*|abuse|exposed)|\b(?:rogue|malicious) mcp"),
    ("AGENT-TOOL-SUPPLY-CHAIN",
     r"\b(?:compromised|malicious|vulnerable) (?:third party |community |llm )?"
     r"(?:tools?|plugins?|mcp servers?)\b|\b(?:tool|plugin) supply chain"),
    ("STRIDE-FLOW-UNAUTHENTICATED",
     r"\bunauthenticated (?:requests?|flows?|connections?|calls?|api)"),
    ("STRIDE-FLOW-UNENCRYPTED",
     r"\b(?:unencrypted|plain ?text|clear ?text) (?:traffic|connections?|channels?|flows?|"
     r"transport|transmission|http|communications?)|\bintercept\w*|\beavesdrop\w*"
     r"|\bman in the middle|\bmitm\b|\bsniff\w*"),
    ("STRIDE-STORE-UNENCRYPTED",
     r"\b(?:not |un)encrypted at rest|\bunencrypted (?:data(?:base)?|store|storage|disk|"
     r"backups?)\b"),
    ("STRIDE-STORE-TAMPERING",
     r"\btamper\w* with (?:the )?(?:database|data store|store|records|stored data)"
     r"|\b(?:forged|fake) (?:records|messages|entries)"),
    ("STRIDE-NO-AUDIT-TRAIL",
     r"\b(?:no|missing|insufficient|lack of|inadequate) (?:audit|logging|logs|audit trail)\b"
     r"|\brepudiat\w*"),
    ("STRIDE-ENTRY-DOS",
     r"(?<!model )\b(?:distributed )?denial of service|\bddos\b"
     r"|\bflood\w* (?:the \w+ )?(?:with )?(?:requests|traffic)"),
    ("STRIDE-TOOL-NO-AUTH", r"\bunauthenticated tools?\b|\btools? callable without auth\w*"),
    ("TRAIN-PIPELINE-TAMPERING",
     r"\b(?:training|fine tuning|ml|mlops) pipelines?\b[^.]{0,60}\b(?:tamper\w*|compromis\w*|"
     r"inject\w*|manipulat\w*)|\b(?:tamper\w*|compromis\w*|inject\w*|manipulat\w*) [^.]{0,40}"
     r"\b(?:training|fine tuning) pipelines?"),
    ("TRAIN-MODEL-THEFT",
     r"\b(?:steal|stealing|stolen|exfiltrat\w*|copy|copied|leak\w*) (?:the |our |model )*weights"
     r"|\bweights? (?:theft|stolen|exfiltration|leak\w*)"),
    ("TRAIN-DATA-LEAKAGE",
     r"\bmembership inference|\bmodel inversion|\btraining data (?:extraction|leak\w*|recovery)"
     r"|\b(?:extract|recover|reconstruct)\w* (?:the )?training data"),
)

CONTROL_PHRASES: tuple[tuple[str, str], ...] = (
    ("GUARD-INPUT-FILTER",
     r"\binput (?:content )?(?:filter\w*|moderation|screening)|\bfilter\w* (?:user )?"
     r"(?:inputs?|prompts)\b|\bdenied topics|\bcontent filters?\b"),
    ("GUARD-OUTPUT-FILTER",
     r"\boutput (?:content )?(?:filter\w*|moderation|screening)"
     r"|\bfilter\w* (?:the )?(?:model |llm )?(?:outputs?|responses)\b"),
    ("GUARD-PROMPT-ATTACK-FILTER",
     r"\bprompt (?:attack|injection) (?:filter\w*|detection|classifier|guard)"
     r"|\bdetect\w* (?:prompt injection|jailbreak\w*|prompt attacks)"),
    ("GUARD-UNTRUSTED-CONTENT-SEGREGATION",
     r"\b(?:segregat\w*|delimit\w*|label\w*|isolat\w*) (?:the )?untrusted (?:content|input|data)"
     r"|\bspotlighting"),
    ("GUARD-OUTPUT-ENCODING",
     r"\boutput encoding|\b(?:encode|escape|saniti[sz]e) (?:the |all )?(?:model |llm )?"
     r"(?:outputs?|responses)\b|\btreat\w* (?:model |llm )?outputs? as untrusted"),
    ("GUARD-TOOL-PARAM-VALIDATION",
     r"\bvalidat\w* (?:the )?(?:tool|function) (?:call )?(?:parameters|arguments|inputs)"),
    ("GUARD-PII-REDACTION",
     r"\b(?:redact\w*|mask\w*|anonymi[sz]\w*) (?:the )?(?:pii|personal (?:data|information))"
     r"|\bpii (?:redaction|masking|filter\w*|detection)"),
    ("GUARD-GROUNDING-CHECK", r"\bgrounding (?:checks?|validation)|\bcontextual grounding"),
    ("GUARD-RENDERING-SAFETY",
     r"\b(?:safe|saniti[sz]ed) (?:markdown |html )?rendering|\bcontent security policy"),
    ("GUARD-PROMPT-CATALOG", r"\bprompt (?:catalog|registry|versioning)"),
    ("GUARD-REGRESSION-SUITE", r"\bguardrail (?:regression|test) (?:suite|tests?)"),
    ("IAM-LEAST-PRIVILEGE",
     r"\bleast privilege|\bminimal (?:permissions|privileges)"),
    ("IAM-AGENT-IDENTITY",
     r"\b(?:distinct|dedicated|separate) identit\w* (?:for|per) (?:each |every )?agents?"),
    ("IAM-AUTHORISED-USERS",
     r"\buser (?:authentication|sign in)|\bauthenticat\w* (?:all )?users\b"
     r"|\bmulti factor authentication|\bmfa\b|\bsingle sign on"),
    ("IAM-SERVICE-AUTH",
     r"\bmutual tls|\bmtls\b|\bservice to service auth\w*"
     r"|\b(?:queries|requests|calls|connections|messages) (?:to be |are |must be |should be )"
     r"authenticated|\bauthentication on the (?:\w+ )?endpoint"),
    ("IAM-TOOL-AUTHENTICATION",
     r"\btools? (?:must |should )?authenticate (?:the )?(?:calling )?agent"),
    ("IAM-NO-SECRETS-IN-PROMPTS",
     r"\bno (?:secrets|credentials) in (?:the )?(?:system )?prompts?"
     r"|\bkeep (?:secrets|credentials) out of (?:the )?(?:system )?prompts?"),
    ("IAM-SECRETS-MANAGER", r"\bsecrets? manager|\bkey vault\b|\bparameter store"),
    ("IAM-SHORT-LIVED-CREDENTIALS",
     r"\bshort lived (?:credentials|tokens)|\btemporary credentials"
     r"|\b(?:rotate|rotation of|expire and replace) (?:the )?(?:\w+ )?"
     r"(?:credentials|keys|secrets|tokens)"),
    ("IAM-PER-USER-RETRIEVAL-AUTHZ",
     r"\b(?:document|row) level (?:access control|authori[sz]ation|permissions)"
     r"|\bper user (?:authori[sz]ation|access control)"),
    ("IAM-MODEL-ARTIFACT-ACCESS",
     r"\brestrict\w* access to (?:the )?(?:model )?(?:weights|training data|training pipelines?)"),
    ("DATA-ENCRYPT-AT-REST", r"\bencrypt\w* (?:\w+ ){0,3}at rest|\bcustomer managed keys?"),
    ("DATA-ENCRYPT-IN-TRANSIT",
     r"\b(?:tls|https|http s)\b|\bencrypt\w* (?:\w+ ){0,3}in transit"),
    ("DATA-APPROVED-SOURCES", r"\bapproved (?:data )?sources"),
    ("DATA-CLASSIFICATION", r"\bdata classification|\bclassify (?:the )?data"),
    ("DATA-TRAINING-PROVENANCE", r"\bdata (?:lineage|provenance)"),
    ("DATA-TRAINING-SANITISATION",
     r"\b(?:saniti[sz]\w*|validat\w*|filter\w*|clean\w*) (?:the )?(?:training|fine tuning) data"),
    ("DATA-RAG-INGESTION-VALIDATION",
     r"\b(?:validat\w*|scan\w*|saniti[sz]\w*|check\w*) (?:\w+ ){0,3}before (?:they are |it is )?"
     r"(?:indexed|indexing|ingest\w*)"),
    ("DATA-TENANT-PARTITIONING",
     r"\btenant (?:partition\w*|isolation|separation)|\bpartition\w* by tenant"),
    ("DATA-STORE-INTEGRITY",
     r"\bsign (?:all )?(?:\w+ )?(?:messages|records|entries|documents)"
     r"|\bintegrity (?:protection|checks?)"),
    ("DATA-RETENTION-LIMITS", r"\bretention (?:period|limits?|polic\w*)"),
    ("LOG-API-AUDIT", r"\bcloudtrail|\bcontrol plane audit"),
    ("LOG-MODEL-INVOCATIONS",
     r"\b(?:model|llm|bedrock) invocation log\w*|\blog\w* (?:all )?(?:model |llm )?"
     r"(?:invocations|prompts and (?:responses|completions))"),
    ("LOG-AGENT-TRACES", r"\btrac\w* (?:every |each |all )?agent (?:steps?|actions?)"),
    ("LOG-TAMPER-RESISTANT",
     r"\b(?:tamper (?:resistant|proof|evident)|immutable|write once) logs?\b"),
    ("MON-COST-QUOTA-ALARMS",
     r"\b(?:cost|billing|budget|spend) (?:alarms?|alerts?|anomaly detection)"),
    ("MON-AI-THREAT-DETECTION", r"\bthreat detection"),
    ("MON-EXTRACTION-DEFENCE", r"\b(?:detect|slow|throttle)\w* (?:model )?extraction"),
    ("MON-OUTPUT-QUALITY",
     r"\b(?:user )?feedback (?:loop|mechanism|button)|\bmonitor\w* (?:answer|response|output) "
     r"quality|\bthumbs (?:up|down)"),
    ("NET-NO-PUBLIC-STORES", r"\bblock public access|\bno public (?:buckets?|stores?)"),
    ("NET-PRIVATE-ENDPOINTS", r"\bprivate ?link|\bprivate endpoints?|\bvpc endpoints?"),
    ("NET-EGRESS-ALLOWLIST",
     r"\begress (?:allow ?list|filter\w*|control)|\ballow ?list (?:of )?(?:outbound|egress)"),
    ("NET-CODE-SANDBOX", r"\bsandbox\w*"),
    ("NET-INGRESS-PROTECTION", r"\bwaf\b|\bweb application firewall"),
    ("AGENT-KILL-SWITCH", r"\bkill switch"),
    ("IR-FEATURE-DISABLE", r"\b(?:switch|turn) (?:the )?(?:ai |llm )?feature off"),
    ("IR-ROLLBACK", r"\broll ?back (?:the )?(?:model|prompts?|memory)"),
    ("IR-AI-RUNBOOKS", r"\bincident (?:runbooks?|playbooks?)"),
    ("ASSESS-RED-TEAM", r"\bred team\w*|\badversarial testing"),
    ("ASSESS-EVAL-GATES", r"\bevaluation gates?|\bevals? before (?:release|deploy\w*)"),
    ("ASSESS-AGENT-PENTEST", r"\bpen(?:etration)? ?test\w*"),
    ("SC-MODEL-PROVENANCE",
     r"\b(?:vetted|trusted|approved|reputable) (?:model )?(?:sources?|model providers?)"),
    ("SC-VERIFIED-ARTIFACTS",
     r"\bverif\w* (?:the )?(?:model |artifact )?(?:hash|hashes|checksums?|signatures?)"),
    ("SC-SAFE-SERIALISATION", r"\bsafetensors|\bsafe seriali[sz]ation"),
    ("SC-MODEL-SCANNING", r"\bscan\w* (?:the )?(?:model )?(?:artifacts|models|weights)"),
    ("SC-AI-BOM", r"\b(?:ai ?bom|ml ?bom|sbom|bill of materials)\b"),
    ("SC-DEPENDENCY-PATCHING",
     r"\b(?:patch\w*|updat\w*) (?:the )?(?:dependencies|libraries|frameworks)"
     r"|\bdependency (?:scanning|updates)|\bsoftware composition analysis"),
    ("SC-MCP-VETTING", r"\bvet\w* (?:the )?(?:tools|plugins|mcp servers)"),
    ("SC-SECURE-TRAINING-PIPELINE",
     r"\b(?:harden\w*|secur\w*) (?:the )?(?:training|fine tuning|ml) pipelines?"),
    ("AGENT-HITL-APPROVAL", r"\bhuman (?:approval|in the loop)|\bhitl\b|\bmanual approval"),
    ("AGENT-TOOL-PERMISSION-SCOPING",
     r"\b(?:scope|limit|restrict)\w* (?:the )?(?:tool|plugin|function) (?:permissions|access)"),
    ("AGENT-STEP-BUDGET-LIMITS",
     r"\b(?:step|iteration|recursion) (?:limits?|budgets?)|\bmax(?:imum)? (?:steps|iterations)"),
    ("AGENT-MEMORY-ISOLATION",
     r"\b(?:per user|per session) (?:conversation |chat )?(?:memory|history)"
     r"|\bisolat\w* (?:the )?(?:conversation |chat )?(?:memory|history|sessions?)"
     r"|\bsession isolation"),
    ("AGENT-USER-TRANSPARENCY", r"\bdisclaimers?\b|\binform\w* (?:the )?users"),
    ("GOV-USER-EDUCATION",
     r"\b(?:user|staff|employee) (?:training|education|awareness)"
     r"|\btrain (?:the )?(?:users|staff|employees)"),
    ("GOV-ACCEPTABLE-USE-POLICY", r"\bacceptable use"),
    ("RES-RATE-LIMITS", r"\brate limit\w*|\bthrottl\w*"),
    ("RES-INPUT-SIZE-LIMITS",
     r"\b(?:input|prompt|output|token|request) (?:size |length )?limits?\b"
     r"|\bmax(?:imum)? (?:tokens|input length|prompt length)"
     r"|\blimit\w* (?:the )?(?:input|prompt|output) (?:size|length)"),
    ("RES-QUOTAS-BUDGETS", r"\bquotas?\b|\bspending (?:caps?|limits?)|\bbudget (?:caps?|limits?)"),
    ("RES-TIMEOUTS-CIRCUIT-BREAKERS",
     r"\btimeouts?\b|\bcircuit breakers?|\bexponential backoff"),
    ("RES-FALLBACK", r"\bgraceful degradation|\bfallback (?:model|response|path)"),
    ("RES-STORE-BACKUP-DR", r"\bbackups?\b|\bdisaster recovery"),
    ("RES-RESERVED-CAPACITY", r"\b(?:reserved|provisioned) (?:capacity|throughput)"),
)

# One OWASP code, several catalog entries: the entry a bare code stands for.
_CODE_DEFAULTS = {
    "LLM01": "LLM01-DIRECT-INJECTION",
    "LLM02": "LLM02-SENSITIVE-DISCLOSURE",
    "LLM03": "LLM03-MODEL-SUPPLY-CHAIN",
    "LLM08": "LLM08-RETRIEVAL-POISONING",
    "LLM10": "LLM10-UNBOUNDED-CONSUMPTION",
}
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "in", "on", "by", "to", "for", "and", "or", "with", "without",
    "its", "it", "is", "be", "are", "that", "who", "use", "every", "each", "own", "from", "as",
    "at", "into", "than", "not", "no", "once", "their", "them", "they", "this", "these",
    "those", "per"))
_COMPILED: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
_CODE = re.compile(r"\bllm ?0?(10|[1-9])\b")
MAX_MATCHES = 3


def normalise(text: str) -> str:
    lowered = re.sub(r"[-_/]+", " ", text.lower().replace("http/s", "https"))
    return " ".join(lowered.replace("’", "'").split())


def _compiled(table: str) -> list[tuple[str, re.Pattern[str]]]:
    if table not in _COMPILED:
        rows = THREAT_PHRASES if table == "threats" else CONTROL_PHRASES
        _COMPILED[table] = [(key, re.compile(pattern)) for key, pattern in rows]
    return _COMPILED[table]


def _stem(word: str) -> str:
    for suffix in ("ions", "ion", "ing", "ed", "es", "s", "ure", "ment"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            break
    return word[:6]


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOPWORDS}


def _title_words(title: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", normalise(title)) if w not in _STOPWORDS]


@dataclass(frozen=True)
class _Entry:
    title: str
    words: tuple[str, ...]
    """Stems of the title's significant words; matched by title only when there are three."""


def _entries(titles: dict[str, str]) -> dict[str, _Entry]:
    return {key: _Entry(title, tuple(_stem(w) for w in _title_words(title)))
            for key, title in titles.items()}


class Matcher:
    """The matcher over one catalog; remembers its answers (sources repeat their texts)."""

    def __init__(self, catalog: Catalog) -> None:
        self._threats = _entries({k: t.title for k, t in catalog.threats.items()})
        self._controls = _entries({k: c.title for k, c in catalog.controls.items()})
        self._seen: dict[tuple[str, str], list[Match]] = {}

    def threats(self, text: str) -> list[Match]:
        return self._cached(text, "threats", self._threats)

    def controls(self, text: str) -> list[Match]:
        return self._cached(text, "controls", self._controls)

    def _cached(self, text: str, table: str, entries: dict[str, _Entry]) -> list[Match]:
        key = (table, text)
        if key not in self._seen:
            self._seen[key] = _match(text, entries, table)
        return self._seen[key]


def _match(text: str, entries: dict[str, _Entry], table: str) -> list[Match]:
    """Catalog entries ``text`` speaks of, most certain first; see the comment above."""
    if not text.strip():
        return []
    norm = normalise(text)
    found: dict[str, Match] = {}

    def add(key: str, how: MatchHow, why: str) -> None:
        if key in entries and key not in found:
            found[key] = Match(key, entries[key].title, how, why)

    for named in _ID.findall(text.upper()):
        add(named, "id", f"the text names {named}")
    phrases: dict[str, str] = {}
    for key, pattern in _compiled(table):
        hit = pattern.search(norm)
        if hit is not None and key in entries:
            phrases.setdefault(key, hit.group(0))
    if table == "threats":
        for digits in dict.fromkeys(_CODE.findall(norm)):
            code = f"LLM{int(digits):02d}"
            family = [key for key in entries if key.startswith(code + "-")]
            agreeing = [key for key in family if key in phrases]
            for key in agreeing:
                add(key, "code", f"tagged {code} and the text says {phrases[key]!r}")
            if not agreeing and not phrases:
                chosen = family[0] if len(family) == 1 else _CODE_DEFAULTS.get(code, "")
                if chosen:
                    add(chosen, "code", f"tagged {code} (OWASP Top 10 for LLM Applications, "
                        "2025 numbering)")
    for key, phrase in phrases.items():
        add(key, "phrase", f"the text says {phrase!r}")
    stems = _stems(norm)
    for key, entry in entries.items():
        if len(entry.words) >= 3 and all(w in stems for w in entry.words):
            add(key, "title", f"the text has every word of its title ({entry.title!r})")
    return list(found.values())[:MAX_MATCHES]


def match_threats(text: str, catalog: Catalog) -> list[Match]:
    return Matcher(catalog).threats(text)


def match_controls(text: str, catalog: Catalog) -> list[Match]:
    return Matcher(catalog).controls(text)


# --- controls gathered from mitigations --------------------------------------------------------

@dataclass
class _ControlState:
    implemented: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class ControlSet:
    """Controls declared by the source, merged per control id; "*" stands for the system."""

    states: dict[str, _ControlState] = field(default_factory=dict)

    def add(self, control: str, status: Literal["implemented", "planned"],
            targets: list[str], evidence: str) -> None:
        state = self.states.setdefault(control, _ControlState())
        chosen = state.implemented if status == "implemented" else state.planned
        for target in targets or ["*"]:
            if target not in chosen:
                chosen.append(target)
        if evidence and evidence not in state.evidence:
            state.evidence.append(evidence)

    def emit(self, out: ModelBuilder) -> None:
        for control, state in self.states.items():
            evidence = clean_name("; ".join(state.evidence), 1000)
            done = state.implemented
            planned = [] if "*" in done else [t for t in state.planned if t not in done]
            for status, targets in (("implemented", done), ("planned", planned)):
                if not targets:
                    continue
                entry: dict[str, Any] = {"control": control,
                                         "targets": "*" if "*" in targets else targets,
                                         "status": status}
                if evidence:
                    entry["evidence"] = evidence
                out.controls.append(entry)


# --- threats listed on an element ----------------------------------------------------------

MAX_LISTED = 50
"""Threats listed in one element's description; the notes still have every one."""


def threat_list(tool: str, lines: list[str]) -> str:
    """The description paragraph listing the threats ``tool`` drew on one element."""
    more = len(lines) - MAX_LISTED
    listed = lines[:MAX_LISTED] + ([f"- and {more} more"] if more > 0 else [])
    return clean_text(f"Threats in {tool}:\n" + "\n".join(listed))
