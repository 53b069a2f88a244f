"""Import an AWS Threat Composer export (``.tc.json``, schema 1) as a model skeleton.

Threat Composer describes an application in prose and lists threats, mitigations and
assumptions; it has no component graph. The import therefore builds a skeleton: the system
from ``applicationInfo`` (the architecture and data-flow descriptions joined to its
description), one component per distinct impacted asset (typed only when the asset's own words
say what it is), and a mapping of threats and mitigations onto catalog threats and controls by
a small keyword matcher whose every decision is written down as a note. Flows and trust
boundaries are left to a human.

The matcher (``match_threats``, ``match_controls``) and the text cleaners are shared with the
Threat Dragon importer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from scoping_tui.engine.catalog import Catalog
from scoping_tui.interop.common import ACCEPTANCE_DAYS, ModelBuilder, NoteKind, Source
from scoping_tui.model.paths import Path

TITLE = "AWS Threat Composer JSON"

_TOP_KEYS = ("applicationInfo", "architecture", "dataflow", "assumptions", "mitigations",
             "assumptionLinks", "mitigationLinks", "threats")
"""How long an acceptance carried over from the source lasts: neither tool records a date."""
NAME_LIMIT = 200
TEXT_LIMIT = 4000
SYSTEM_TEXT_LIMIT = 20000


def detect(data: Any) -> bool:
    """A Threat Composer export: a numeric ``schema`` beside its own top-level sections."""
    if not isinstance(data, dict):
        return False
    schema = data.get("schema")
    numeric = isinstance(schema, int | float) and not isinstance(schema, bool)
    return numeric and any(key in data for key in _TOP_KEYS)


# --- text ------------------------------------------------------------------------------------

# Characters that must not reach the model: control characters (newlines are kept in
# descriptions), bidirectional overrides that reorder what a reader sees, lone surrogates and
# the byte-order mark.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff\ufffe\uffff]")


def clean_name(text: str, limit: int = NAME_LIMIT) -> str:
    """One line of safe text, at most ``limit`` characters."""
    one_line = " ".join(_UNSAFE.sub(" ", text).split())
    return one_line if len(one_line) <= limit else one_line[:limit - 1].rstrip() + "…"


def clean_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """Safe multi-line text, at most ``limit`` characters."""
    text = _UNSAFE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return joined if len(joined) <= limit else joined[:limit - 1].rstrip() + "…"


def shorten(text: str, limit: int = 160) -> str:
    return clean_name(text, limit)


MAX_LISTED = 50
"""Threats listed in one element's description; the notes still have every one."""


def threat_list(tool: str, lines: list[str]) -> str:
    more = len(lines) - MAX_LISTED
    listed = lines[:MAX_LISTED] + ([f"- and {more} more"] if more > 0 else [])
    return clean_text(f"Threats in {tool}:\n" + "\n".join(listed))


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


# --- reading the file ------------------------------------------------------------------------

def number(source: Source, path: Path) -> float | None:
    """A finite number at ``path``, or None when there is nothing there."""
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


def _label(prefix: str, number: float | None, index: int) -> str:
    if number is None:
        return f"{prefix}{index + 1}"
    return f"{prefix}{int(number)}" if number.is_integer() else f"{prefix}{number:g}"


def _texts(source: Source, path: Path) -> list[str]:
    return [source.text((*path, i)) for i in range(len(source.items(path)))]


@dataclass
class _Meta:
    priority: str = ""
    stride: list[str] = field(default_factory=list)
    comments: str = ""
    other: list[str] = field(default_factory=list)


def _metadata(source: Source, path: Path) -> _Meta:
    meta = _Meta()
    for index, _ in enumerate(source.items(path)):
        item = (*path, index)
        source.mapping(item, required=True)
        key = source.text((*item, "key"), required=True)
        value_path = (*item, "value")
        value = source.at(value_path)
        values = _texts(source, value_path) if isinstance(value, list) else \
            [source.text(value_path)]
        if key == "Priority":
            meta.priority = clean_name(" ".join(values), 20)
        elif key == "STRIDE":
            meta.stride = [clean_name(v, 5) for v in values]
        elif key == "Comments":
            meta.comments = " ".join(values)
        elif key.startswith("custom:"):
            meta.other.append(clean_name(f"{key[7:]}: {', '.join(values)}", 300))
    return meta


@dataclass
class _Threat:
    path: Path
    id: str
    label: str
    statement: str
    status: str
    tags: list[str]
    meta: _Meta
    assets: list[str]
    """Asset keys, as in ``_asset_key``."""
    components: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)


def _asset_key(name: str) -> str:
    """Asset names that differ only in case, spacing, dashes or a leading article are one."""
    key = re.sub(r"^(?:the|an|a) ", "", normalise(clean_name(name)))
    return key or clean_name(name).casefold()


def _statement(source: Source, path: Path) -> str:
    statement = source.text((*path, "statement"))
    if statement.strip():
        return statement
    parts = [source.text((*path, key)) for key in ("threatSource", "prerequisites")]
    action = source.text((*path, "threatAction"))
    impact = source.text((*path, "threatImpact"))
    text = " ".join(p for p in parts if p.strip())
    text = f"A {text} can {action}" if text else action
    return f"{text}, which leads to {impact}" if impact.strip() else text


_THREAT_STATUS = {"threatIdentified": "identified", "threatResolved": "resolved",
                  "threatResolvedNotUseful": "resolved as not useful"}
_MITIGATION_STATUS = {"mitigationIdentified": "identified", "mitigationInProgress": "in progress",
                      "mitigationResolved": "resolved",
                      "mitigationResolvedWillNotAction": "resolved, will not action"}


def _unique_id(source: Source, path: Path, seen: dict[str, Path], what: str) -> str:
    ident = source.text(path, required=True)
    if ident in seen:
        where = source.position(seen[ident])
        raise source.fail(path, f"{what} id {clean_name(ident, 60)!r} is already used at "
                          f"line {where.line}")
    seen[ident] = path
    return ident


# --- asset types -------------------------------------------------------------------------------

_ASSET_TYPES: tuple[tuple[str, str], ...] = (
    ("vector-store",
     r"\bvector (?:store|database|db|index)|\bembeddings? (?:store|index|database)"),
    ("knowledge-base", r"\bknowledge bases?\b"),
    ("memory", r"\b(?:conversation|chat|session) (?:history|memory)|\bagent memory"),
    ("training-data", r"\b(?:training|fine tuning) (?:data|dataset|data set|corpus)\b"),
    ("training-pipeline", r"\b(?:training|fine tuning) (?:pipelines?|jobs?)\b"),
    ("model-registry", r"\bmodel (?:registry|weights|artifacts)"),
    ("foundation-model",
     r"\bfoundation models?\b|\blarge language models?\b|\b(?:llm|language) models?\b|^llms?$"),
    ("guardrail", r"\bguardrails?\b"),
    ("mcp-server", r"\bmcp servers?\b"),
    ("code-sandbox", r"\bcode (?:interpreter|sandbox)"),
    ("secrets-store", r"\bsecrets? (?:manager|store|vault)|\bkey vault"),
    ("identity-provider", r"\bidentity provider|\b(?:cognito|okta|auth0)\b"),
    ("api-gateway", r"\bapi gateway|\bload balancer"),
    ("external-service",
     r"\bthird party|\bexternal (?:services?|apis?|systems?)|\bservice provider"),
    ("client-app",
     r"\b(?:web|mobile|chat|chatbot) (?:app|application|ui|interface|client|widget|front ?end)s?"
     r"\b|\bfront ?end\b"),
    ("monitoring", r"\b(?:logs?|logging|monitoring|audit trail|telemetry)\b"),
    # Only an agent named as software: "support agents" are people.
    ("agent", r"\b(?:ai|llm|autonomous|software) agents?\b|^agents?$"),
    ("user", r"^(?:end )?(?:users?|customers?|employees?|operators?)$"),
    ("data-store",
     r"\b(?:database|data ?store|bucket|file store|data lake)\b|\b(?:user|customer|personal|"
     r"business|company|sensitive|confidential) (?:data|information|records)\b"),
)
_AI_WORDS = re.compile(r"\b(?:llm|llms|gpt|genai|generative ai|model|models|chatbot|copilot|"
                       r"agent|agents|rag|embedding|embeddings|bedrock|openai|claude|prompt)\b")


def asset_type(name: str) -> str | None:
    key = _asset_key(name)
    for ctype, pattern in _ASSET_TYPES:
        if re.search(pattern, key):
            return ctype
    return None


def _asset_data(key: str) -> list[str]:
    if re.search(r"\b(?:user|customer|personal) (?:data|information|records)\b|\bpii\b", key):
        return ["pii"]
    if re.search(r"\b(?:business|company|sensitive|confidential) (?:data|information)\b", key):
        return ["confidential"]
    return []


# --- convert ---------------------------------------------------------------------------------

def convert(source: Source, out: ModelBuilder, catalog: Catalog) -> None:
    _check_top(source)
    _system(source, out)
    matcher = Matcher(catalog)
    threats = _read_threats(source, matcher)
    mitigations = source.items(("mitigations",))
    _components(source, out, threats)
    links = _links(source, out, threats, mitigations)
    _threat_notes(out, threats)
    _mitigations(source, out, matcher, links)
    out.note("human", "Threat Composer has no component graph: how the components connect "
             "(flows), the trust boundaries they sit in and what data they carry need a human; "
             "until then the analysis sees unconnected components")
    out.note("human", "Threat Composer has no lifecycle phase: the analysis assumes prototype; "
             "set system.phase")


def _check_top(source: Source) -> None:
    schema = number(source, ("schema",))
    if schema is not None and schema > 1:
        raise source.fail(("schema",), f"Threat Composer schema {schema:g} is newer than the "
                          "schema 1 this importer reads")
    for key in ("applicationInfo", "architecture", "dataflow"):
        source.mapping((key,))
    for key in ("assumptions", "mitigations", "assumptionLinks", "mitigationLinks", "threats"):
        source.items((key,))


def _system(source: Source, out: ModelBuilder) -> None:
    raw_name = source.text(("applicationInfo", "name"))
    name = clean_name(raw_name)
    if not name:
        name = "Imported Threat Composer model"
        out.note("guessed", f"the application has no name: called it {name!r}")
    elif len(" ".join(raw_name.split())) > NAME_LIMIT:
        out.note("human", "the application name was cut to 200 characters")
    parts = [source.text(("applicationInfo", "description"))]
    for key, heading in (("architecture", "Architecture"), ("dataflow", "Data flow")):
        text = source.text((key, "description"))
        if text.strip():
            parts.append(f"{heading} (from Threat Composer):\n{text}")
            out.note("mapped", f"the {heading.lower()} description is kept in the system "
                     "description")
        if source.text((key, "image")).strip():
            out.note("human", f"the {heading.lower()} diagram image is not imported: draw what "
                     "it shows as components, flows and boundaries")
    assumptions = _assumption_lines(source)
    if assumptions:
        parts.append("Assumptions (from Threat Composer):\n" + "\n".join(assumptions))
        out.note("human", f"{len(assumptions)} assumption(s) are kept in the system "
                 "description; check that the model agrees with them")
    if source.mapping(("brainstorm",)):
        out.note("human", "Threat Composer brainstorm notes are not imported")
    description = clean_text("\n\n".join(p for p in parts if p.strip()), SYSTEM_TEXT_LIMIT)
    if len(description) >= SYSTEM_TEXT_LIMIT:
        out.note("human", f"the system description was cut to {SYSTEM_TEXT_LIMIT} characters")
    out.system = {"name": name}
    if description:
        out.system["description"] = description


def _assumption_lines(source: Source) -> list[str]:
    lines = []
    seen: dict[str, Path] = {}
    for index, _ in enumerate(source.items(("assumptions",))):
        path: Path = ("assumptions", index)
        source.mapping(path, required=True)
        _unique_id(source, (*path, "id"), seen, "assumption")
        label = _label("A", number(source, (*path, "numericId")), index)
        content = clean_name(source.text((*path, "content")), 1000)
        lines.append(f"- {label}: {content}")
        _metadata(source, (*path, "metadata"))
        _texts(source, (*path, "tags"))
    for index, _ in enumerate(source.items(("assumptionLinks",))):
        path = ("assumptionLinks", index)
        source.mapping(path, required=True)
        for key in ("type", "assumptionId", "linkedId"):
            source.text((*path, key))
    return lines


def _read_threats(source: Source, matcher: Matcher) -> list[_Threat]:
    threats = []
    seen: dict[str, Path] = {}
    for index, _ in enumerate(source.items(("threats",))):
        path: Path = ("threats", index)
        source.mapping(path, required=True)
        ident = _unique_id(source, (*path, "id"), seen, "threat")
        label = _label("T", number(source, (*path, "numericId")), index)
        statement = clean_name(_statement(source, path), 1400)
        tags = [clean_name(t, 60) for t in _texts(source, (*path, "tags"))]
        for key in ("impactedGoal",):
            _texts(source, (*path, key))
        assets = [raw for raw in _texts(source, (*path, "impactedAssets")) if clean_name(raw)]
        threat = _Threat(path, ident, label, statement,
                         source.text((*path, "status"), "threatIdentified"), tags,
                         _metadata(source, (*path, "metadata")), assets)
        threat.matches = matcher.threats(" ".join([statement, *tags]))
        threats.append(threat)
    return threats


def _components(source: Source, out: ModelBuilder, threats: list[_Threat]) -> None:
    lines: dict[str, list[str]] = {}
    for threat in threats:
        if not threat.assets:
            continue
        for raw in threat.assets:
            key = _asset_key(raw)
            if f"asset:{key}" not in out.ids:
                _new_component(out, raw, key)
            cid = out.ids[f"asset:{key}"]
            if cid not in threat.components:
                threat.components.append(cid)
    orphans = [t for t in threats if not t.components]
    if orphans or not out.components:
        name = out.system["name"]
        cid = out.new_id(name, "asset:*application*", fallback="application")
        out.components.append({"id": cid, "name": name, "type": "service"})
        out.note("human", "stands for the whole application"
                 + (f": {', '.join(t.label for t in orphans)} name no impacted asset"
                    if orphans else ": the file names no impacted asset")
                 + "; replace it with the real components", cid)
        for threat in orphans:
            threat.components.append(cid)
    for threat in threats:
        mapped = ", ".join(m.id for m in threat.matches) or "no catalog match"
        extra = "; ".join(x for x in (threat.meta.priority,
                                     "STRIDE " + "".join(threat.meta.stride)
                                     if threat.meta.stride else "",
                                     _THREAT_STATUS.get(threat.status, threat.status)) if x)
        for cid in threat.components:
            lines.setdefault(cid, []).append(
                f"- {threat.label} [{extra}] {shorten(threat.statement, 400)} -> {mapped}")
    for component in out.components:
        found = lines.get(component["id"])
        if found:
            component["description"] = threat_list("Threat Composer", found)


def _asset_name(raw: str) -> str:
    """The asset as a component name: "the vector database" reads "Vector database"."""
    name = re.sub(r"^(?:the|an|a)\s+", "", clean_name(raw), flags=re.IGNORECASE) or clean_name(raw)
    return name[:1].upper() + name[1:]


def _new_component(out: ModelBuilder, raw: str, key: str) -> None:
    name = _asset_name(raw)
    cid = out.new_id(name, f"asset:{key}", fallback="asset")
    ctype = asset_type(raw)
    component: dict[str, Any] = {"id": cid, "name": name, "type": ctype or "service"}
    if ctype is not None:
        out.note("guessed", f"type {ctype} from the asset's name {clean_name(raw)!r}", cid)
    else:
        out.note("human", f"Threat Composer does not say what {clean_name(raw)!r} is; "
                 "`service` (plain compute) is a placeholder: set its type", cid)
    if re.search(_AI_WORDS, key) and ctype not in ("foundation-model", "agent", "vector-store",
                                                   "knowledge-base", "memory", "guardrail"):
        out.note("human", f"{name!r} mentions an AI part; if it is a model or an agent, change "
                 "its type and add its facts", cid)
    if ctype == "foundation-model":
        out.note("human", "the model's provider, origin (pre-trained, fine-tuned, self-trained) "
                 "and hosting are unknown", cid)
    if ctype == "agent":
        out.note("human", "the agent's tools, permissions and approvals are unknown", cid)
    data = _asset_data(key)
    if data:
        component["data"] = data
        out.note("guessed", f"holds {', '.join(data)} (from the asset's name)", cid)
    out.components.append(component)


def _links(source: Source, out: ModelBuilder, threats: list[_Threat],
           mitigations: list[Any]) -> dict[str, list[_Threat]]:
    by_id = {t.id: t for t in threats}
    mitigation_ids = {source.text(("mitigations", i, "id"))
                      for i, item in enumerate(mitigations) if isinstance(item, dict)}
    assumption_ids = {source.text(("assumptions", i, "id"))
                      for i, item in enumerate(source.items(("assumptions",)))
                      if isinstance(item, dict)}
    links: dict[str, list[_Threat]] = {}
    for index, _ in enumerate(source.items(("mitigationLinks",))):
        path: Path = ("mitigationLinks", index)
        source.mapping(path, required=True)
        mitigation = source.text((*path, "mitigationId"), required=True)
        linked = source.text((*path, "linkedId"), required=True)
        if mitigation not in mitigation_ids:
            raise source.fail((*path, "mitigationId"), f"no mitigation has the id "
                              f"{clean_name(mitigation, 60)!r}")
        threat = by_id.get(linked)
        if threat is None and linked not in assumption_ids:
            out.note("human", f"mitigationLinks[{index}] (line {source.position(path).line}) "
                     "links to no threat or assumption in the file: ignored")
        if threat is not None and threat not in links.setdefault(mitigation, []):
            links[mitigation].append(threat)
    return links


def _threat_notes(out: ModelBuilder, threats: list[_Threat]) -> None:
    for threat in threats:
        status = _THREAT_STATUS.get(threat.status)
        if status is None:
            out.note("human", f"{threat.label} has the unknown status "
                     f"{clean_name(threat.status, 40)!r}; read as identified",
                     threat.components[0])
        for cid in threat.components:
            for match in threat.matches:
                out.note(match.kind, f"Threat Composer {threat.label} is catalog threat "
                         f"{match.id} ({match.title}): {match.why}", cid)
        if not threat.matches:
            out.note("human", f"Threat Composer {threat.label} matches no catalog threat; "
                     f"review it: {shorten(threat.statement, 300)}", threat.components[0])
        if threat.meta.comments.strip():
            out.note("mapped", f"{threat.label} comments: {shorten(threat.meta.comments)}",
                     threat.components[0])
        if threat.status != "threatResolvedNotUseful":
            continue
        if not threat.matches:
            out.note("human", f"{threat.label} is resolved as not useful in Threat Composer, "
                     "but matches no catalog threat, so no risk acceptance was made",
                     threat.components[0])
            continue
        for cid in threat.components:
            for match in threat.matches:
                finding = f"{match.id}@{cid}"
                if any(r["finding"] == finding for r in out.candidate_risks):
                    continue
                out.candidate_risks.append({
                    "finding": finding,
                    "owner": "unassigned (Threat Composer records no owner)",
                    "reason": f"Threat Composer {threat.label} resolved as not useful: "
                              f"{shorten(threat.statement, 300)}",
                    "expires": out.guessed_expiry(),
                    "ticket": f"Threat Composer {threat.label}",
                })
                out.note("guessed", f"accepting {match.id}@{cid} because {threat.label} is "
                         "resolved as not useful: the owner is unassigned and the acceptance "
                         f"expires {ACCEPTANCE_DAYS} days after the import; set both", cid)


def _mitigations(source: Source, out: ModelBuilder, matcher: Matcher,
                 links: dict[str, list[_Threat]]) -> None:
    controls = ControlSet()
    seen: dict[str, Path] = {}
    for index, _ in enumerate(source.items(("mitigations",))):
        path: Path = ("mitigations", index)
        source.mapping(path, required=True)
        ident = _unique_id(source, (*path, "id"), seen, "mitigation")
        label = _label("M", number(source, (*path, "numericId")), index)
        content = clean_name(source.text((*path, "content")), 1000)
        raw_status = source.text((*path, "status"))
        _metadata(source, (*path, "metadata"))
        tags = [clean_name(t, 60) for t in _texts(source, (*path, "tags"))]
        linked = links.get(ident, [])
        targets: list[str] = []
        for threat in linked:
            targets += [c for c in threat.components if c not in targets]
        element = targets[0] if len(targets) == 1 else ""
        where = f" (for {', '.join(t.label for t in linked)})" if linked else ""
        matches = matcher.controls(" ".join([content, *tags]))
        status = _MITIGATION_STATUS.get(raw_status)
        if raw_status and status is None:
            out.note("human", f"{label} has the unknown status {clean_name(raw_status, 40)!r}; "
                     "read as identified", element)
        if not matches:
            out.note("human", f"Threat Composer mitigation {label}{where} matches no catalog "
                     f"control: {shorten(content, 300)}", element)
            continue
        names = ", ".join(m.id for m in matches)
        if raw_status in ("mitigationResolved", "mitigationInProgress"):
            declared: Literal["implemented", "planned"] = (
                "implemented" if raw_status == "mitigationResolved" else "planned")
            if not targets:
                out.note("guessed", f"{label} is linked to no component: {names} declared for "
                         "the whole system")
            for match in matches:
                controls.add(match.id, declared, targets,
                             f"Threat Composer {label}: {shorten(content, 200)}")
                out.note(match.kind, f"{label}{where} ({status}) is catalog control {match.id} "
                         f"({match.title}), declared {declared}: {match.why}", element)
        elif raw_status == "mitigationResolvedWillNotAction":
            out.note("human", f"{label}{where} will not be actioned in Threat Composer; it "
                     f"would be {names}", element)
        else:
            out.note("human", f"{label}{where} is only identified, not in place: it would be "
                     f"{names}; declare it when it is", element)
    controls.emit(out)
