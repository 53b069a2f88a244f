"""The guided start: a few scoping questions, and a commented starting model built from them.

The questions follow the two AWS scoping matrices (see /work/shared/reference/frameworks.md
§1–§2 and ``engine/scope.py``): whose model it is decides the generative scope (1 consumer app,
2 enterprise app, 3 pre-trained model through an API, 4 fine-tuned, 5 self-trained), and whether
agents act, who approves and what starts them decides the agentic scope (1 no agency, 2
prescribed, 3 supervised, 4 full). The model written from the answers declares both scopes, and
its components imply exactly those scopes, so it validates without a scope-mismatch warning.

Facts nobody has checked yet (is this flow encrypted? is that store encrypted at rest?) are left
out on purpose: the analysis treats an unstated fact as a possible weakness, which is the honest
starting point. The header of the generated file says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from scoping_tui.model.emit import Field, Item, emit_fields, emit_items, text_of
from scoping_tui.util.locations import model_schema_path

Ownership = Literal["consumer-app", "enterprise-app", "model-api", "fine-tuned", "self-trained"]
Agency = Literal["none", "read-only", "acts"]
ToolKind = Literal["read-data", "write-data", "run-code", "move-money", "send-messages"]
Approval = Literal["none", "high-risk", "every-action"]
Trigger = Literal["person", "event"]
Users = Literal["staff", "public"]
Phase = Literal["prototype", "production", "scaled"]
QuestionKind = Literal["text", "single", "multiple", "yes-no"]

GENERATIVE_SCOPE_OF: dict[Ownership, int] = {
    "consumer-app": 1, "enterprise-app": 2, "model-api": 3, "fine-tuned": 4, "self-trained": 5,
}
ACTING_TOOLS: frozenset[ToolKind] = frozenset(
    {"write-data", "run-code", "move-money", "send-messages"})
"""Tool kinds that change something; only these can raise the agentic scope above 1."""
MAX_NAME = 200


# ---------------------------------------------------------------------------------------------
# Questions


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Question:
    """One question, described so a UI can render any of them the same way.

    ``id`` is the field of :class:`Answers` it fills. ``kind``: ``text`` (free text),
    ``single`` (one of ``choices``), ``multiple`` (any of ``choices``), ``yes-no`` (``choices``
    are ``yes`` and ``no``; the answer is a bool). ``asked_if`` maps other question ids to the
    answers that make this question relevant; the question is skipped otherwise and its
    default is used.
    """

    id: str
    text: str
    kind: QuestionKind
    choices: tuple[Choice, ...] = ()
    default: str | bool | tuple[str, ...] = ""
    help: str = ""
    asked_if: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def applies(self, answers: Mapping[str, Any] | Answers) -> bool:
        """Whether to ask this question, given the answers so far (ids to values)."""
        values = answers.as_mapping() if isinstance(answers, Answers) else answers
        return all(values.get(other) in allowed for other, allowed in self.asked_if)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)


_YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))

QUESTIONS: tuple[Question, ...] = (
    Question("name", "What is the system called?", "text", default="New AI system",
             help="Shown in reports and diagrams; up to 200 characters."),
    Question("phase", "Where is it in its lifecycle?", "single", (
        Choice("prototype", "Prototype", "Early build, limited users."),
        Choice("production", "Production", "Serving real users and data."),
        Choice("scaled", "Scaled operations", "Many users, teams or agents."),
    ), default="prototype", help="Required controls accumulate from prototype to scaled."),
    Question("ownership", "Whose generative-AI model is it?", "single", (
        Choice("consumer-app", "A public consumer app",
               "Staff or customers use a public GenAI service as it is, under its public "
               "terms (generative scope 1)."),
        Choice("enterprise-app", "An enterprise SaaS app with GenAI features",
               "Third-party business software with GenAI features, under an enterprise "
               "agreement (generative scope 2)."),
        Choice("model-api", "A third-party model you call through an API",
               "Your application calls an existing foundation model, unchanged "
               "(generative scope 3)."),
        Choice("fine-tuned", "A third-party model you fine-tune",
               "A third-party base model further trained on your data (generative scope 4)."),
        Choice("self-trained", "A model you train yourself",
               "A model trained from scratch on data you own or acquire (generative scope 5)."),
    ), default="model-api",
        help="AWS Generative AI Security Scoping Matrix: the more of the model you own, the "
             "more of its security is yours."),
    Question("users", "Who are the users?", "single", (
        Choice("staff", "Your staff", "Employees on managed devices."),
        Choice("public", "The public", "Customers or anyone on the internet."),
    ), default="staff"),
    Question("rag", "Does it retrieve from your own documents (RAG)?", "yes-no", _YES_NO,
             default=False,
             help="Retrieval over a document index, so answers draw on your data."),
    Question("agency", "Do agents act?", "single", (
        Choice("none", "No agents", "The model only answers; people do everything."),
        Choice("read-only", "Agents only read",
               "Agents look things up with read-only tools (agentic scope 1)."),
        Choice("acts", "Agents change things",
               "Agents write data, run code, move money or send messages."),
    ), default="none",
        help="AWS Agentic AI Security Scoping Matrix: agency is what an agent may do."),
    Question("tools", "What can the agents do?", "multiple", (
        Choice("read-data", "Read data", "Look up records in your systems."),
        Choice("write-data", "Write data", "Create or change records."),
        Choice("run-code", "Run code", "Run code or commands they generate, in a sandbox."),
        Choice("move-money", "Move money", "Payments, refunds, purchases."),
        Choice("send-messages", "Send messages outside",
               "E-mail, chat or web requests leaving the organisation."),
    ), default=("write-data",), asked_if=(("agency", ("acts",)),),
        help="If nothing that changes things is picked, writing data is assumed."),
    Question("approval", "Who approves the agents' actions?", "single", (
        Choice("none", "Nobody", "Actions run on their own."),
        Choice("high-risk", "A person approves high-risk actions",
               "The rest runs on its own."),
        Choice("every-action", "A person approves every action",
               "Nothing changes until a person approves it (agentic scope 2)."),
    ), default="high-risk", asked_if=(("agency", ("acts",)),)),
    Question("trigger", "What starts the agents?", "single", (
        Choice("person", "A person",
               "Someone sets the goal; the agent acts within it (agentic scope 3)."),
        Choice("event", "Events or schedules",
               "The agent starts itself on events or a timetable (agentic scope 4)."),
    ), default="person", asked_if=(("agency", ("read-only", "acts")),)),
)
QUESTIONS_BY_ID: dict[str, Question] = {question.id: question for question in QUESTIONS}


# ---------------------------------------------------------------------------------------------
# Answers


@dataclass(frozen=True)
class Answers:
    """The answers to :data:`QUESTIONS`; every field has the question's default."""

    name: str = "New AI system"
    phase: Phase = "prototype"
    ownership: Ownership = "model-api"
    users: Users = "staff"
    rag: bool = False
    agency: Agency = "none"
    tools: frozenset[ToolKind] = frozenset({"write-data"})
    approval: Approval = "high-risk"
    trigger: Trigger = "person"

    def __post_init__(self) -> None:
        # A UI may hand over any iterable of tool kinds (a list from a multi-select).
        object.__setattr__(self, "tools", frozenset(cast(Iterable[ToolKind], self.tools)))
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name:
            raise ValueError("the system needs a name")
        if len(name) > MAX_NAME:
            raise ValueError(f"the system name is {len(name)} characters long; at most "
                             f"{MAX_NAME} fit")
        object.__setattr__(self, "name", name)
        for key, allowed in (("phase", Phase), ("ownership", Ownership), ("users", Users),
                             ("agency", Agency), ("approval", Approval), ("trigger", Trigger)):
            value = getattr(self, key)
            if value not in get_args(allowed):
                raise ValueError(f"{key}: {value!r} is not one of "
                                 f"{', '.join(get_args(allowed))}")
        unknown = sorted(set(self.tools) - set(get_args(ToolKind)))
        if unknown:
            raise ValueError(f"tools: {', '.join(map(repr, unknown))} not one of "
                             f"{', '.join(get_args(ToolKind))}")
        if not isinstance(self.rag, bool):
            raise ValueError("rag: answer yes or no")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Answers:
        """Answers from a UI's question id → answer mapping (``yes``/``no`` accepted for
        yes-no questions); questions that do not apply or are missing take their default."""
        known: dict[str, Any] = {}
        for question in QUESTIONS:
            if question.id not in values or not question.applies(values):
                continue
            value = values[question.id]
            if question.kind == "yes-no" and isinstance(value, str):
                if value not in ("yes", "no"):
                    raise ValueError(f"{question.id}: answer yes or no, not {value!r}")
                value = value == "yes"
            known[question.id] = value
        return cls(**known)

    def as_mapping(self) -> dict[str, Any]:
        """Question id → answer, the inverse of :meth:`from_mapping`."""
        return {"name": self.name, "phase": self.phase, "ownership": self.ownership,
                "users": self.users, "rag": self.rag, "agency": self.agency,
                "tools": tuple(sorted(self.tools)), "approval": self.approval,
                "trigger": self.trigger}

    @property
    def tool_kinds(self) -> tuple[ToolKind, ...]:
        """The tools the agent gets: read-only agents read; acting agents change something."""
        if self.agency == "none":
            return ()
        if self.agency == "read-only":
            return ("read-data",)
        kinds = set(self.tools)
        if not kinds & ACTING_TOOLS:
            kinds.add("write-data")
        return tuple(kind for kind in get_args(ToolKind) if kind in kinds)

    @property
    def generative_scope(self) -> int:
        return GENERATIVE_SCOPE_OF[self.ownership]

    @property
    def agentic_scope(self) -> int:
        """Mirrors ``engine.scope``: approval of every action outranks what starts the agent."""
        if self.agency != "acts":
            return 1
        if self.approval == "every-action":
            return 2
        return 4 if self.trigger == "event" else 3

    @property
    def buys(self) -> bool:
        """Scopes 1–2: a third-party GenAI app used as it is."""
        return self.generative_scope <= 2

    @property
    def trains(self) -> bool:
        """Scopes 4–5: there is a training pipeline and training data."""
        return self.generative_scope >= 4


# ---------------------------------------------------------------------------------------------
# The model, as plain records before it becomes text


@dataclass
class _Draft:
    answers: Answers
    boundaries: dict[str, Item] = field(default_factory=dict)
    components: list[Item] = field(default_factory=list)
    flows: list[Item] = field(default_factory=list)

    def component(self, cid: str, name: str, ctype: str, boundary: str, *,
                  hosting: str = "", description: str = "", data: Iterable[str] = (),
                  extra: Iterable[Field] = (), above: tuple[str, ...] = ()) -> str:
        fields = [Field("id", cid), Field("name", name), Field("type", ctype),
                  Field("boundary", boundary)]
        if hosting:
            fields.append(Field("hosting", hosting))
        if description:
            fields.append(Field("description", description))
        if data:
            fields.append(Field("data", list(data)))
        fields.extend(extra)
        self.components.append(Item(fields, above))
        self._use_boundary(boundary)
        return cid

    def flow(self, source: str, target: str, name: str, data: Iterable[str], protocol: str,
             *, description: str = "", above: tuple[str, ...] = ()) -> None:
        fields = [Field("id", f"{source}-to-{target}"), Field("name", name),
                  Field("from", source), Field("to", target), Field("data", list(data)),
                  Field("protocol", protocol)]
        if description:
            fields.append(Field("description", description))
        self.flows.append(Item(fields, above))

    def _use_boundary(self, bid: str) -> None:
        if bid in self.boundaries:
            return
        name, kind, parent, description = _BOUNDARIES[bid]
        fields = [Field("id", bid), Field("name", name), Field("kind", kind)]
        if parent:
            self._use_boundary(parent)
            fields.append(Field("parent", parent))
        if description:
            fields.append(Field("description", description))
        self.boundaries[bid] = Item(fields)


_BOUNDARIES: dict[str, tuple[str, str, str, str]] = {
    # id: (name, kind, parent, description)
    "corp-network": ("Corporate network", "corporate-network", "", ""),
    "staff-devices": ("Managed laptops", "user-device", "corp-network", ""),
    "internet": ("Internet", "internet", "", "Anyone can reach it."),
    "customer-devices": ("Customers' devices", "user-device", "", ""),
    "app-account": ("Application cloud account", "cloud-account", "", ""),
    "app-vpc": ("Application VPC", "vpc", "app-account", ""),
    "agent-runtime": ("Agent runtime", "container", "app-vpc", ""),
    "sandbox": ("Code sandbox", "container", "app-account",
                "Where generated code runs; no credentials, limited egress."),
    "model-provider": ("Model provider", "third-party", "",
                       "The provider's model API, under its terms."),
    "ml-account": ("ML cloud account", "cloud-account", "",
                   "Training data, training jobs, model weights and the serving endpoint."),
    "model-hub": ("Model hub", "third-party", "", "Where the base model's weights come from."),
    "vendor": ("GenAI app provider", "saas-provider", "",
               "The provider's environment, where its app and model run."),
    "tenant": ("Company tenant", "saas-provider", "vendor",
               "The company's tenant in the provider's environment."),
    "vendor-sandbox": ("Provider's code sandbox", "container", "vendor", ""),
    "payment-provider": ("Payment provider", "third-party", "", ""),
}


def _build(answers: Answers) -> _Draft:
    draft = _Draft(answers)
    staff = answers.users == "staff"
    people = ["internal", "confidential"] if staff else ["untrusted-content", "pii"]
    prompts = [*people, "untrusted-content"] if staff else people

    # People and the way in.
    user_boundary = "corp-network" if staff else "internet"
    device = "staff-devices" if staff else "customer-devices"
    draft.component("users", "Employees" if staff else "Customers", "user", user_boundary,
                    description="" if staff else "Anyone who signs up, so anyone.",
                    data=people)
    if answers.buys:
        client_name = "Browser or the provider's app"
        client_text = "Where people use the GenAI app."
    else:
        client_name = "Web app"
        client_text = "The front end people use; it calls the application's API."
    draft.component("client-app", client_name, "client-app", device, hosting="on-device",
                    description=client_text, data=prompts)
    draft.flow("users", "client-app", "Prompts and answers", prompts, "other",
               above=("# Flows point from the side that starts the exchange; `data` lists "
                      "what moves", "# either way."))
    if staff or not answers.buys:
        sso_boundary = "corp-network" if staff else "app-account"
        draft.component("sso", "Corporate SSO" if staff else "Customer sign-in",
                        "identity-provider", sso_boundary,
                        hosting="third-party-saas" if staff else "managed-service")
        draft.flow("client-app", "sso", "Sign-in", ["credentials"], "https")

    if answers.buys:
        entry, model_id = _buy(draft, prompts)
    else:
        entry, model_id = _build_app(draft, prompts)
    retrieval = _rag(draft, answers) if answers.rag else None
    if answers.agency == "none":
        if retrieval is not None and not answers.buys:
            draft.flow(entry, retrieval, "Retrieval", ["internal", "confidential"], "https")
        if not answers.buys:
            draft.flow(entry, model_id, "Model calls", prompts, "https")
    else:
        _agent(draft, answers, entry, model_id, retrieval, prompts)
    if answers.trains:
        _training(draft, answers, model_id)
    return draft


def _buy(draft: _Draft, prompts: list[str]) -> tuple[str, str]:
    """Scopes 1–2: the path to a third-party GenAI app, which is the model."""
    answers = draft.answers
    enterprise = answers.ownership == "enterprise-app"
    staff = answers.users == "staff"
    model = [
        Field("provider", "GenAI app provider"),
        Field("terms", "enterprise" if enterprise else "consumer",
               "enterprise agreement: generative scope 2" if enterprise
               else "public terms of use: generative scope 1"),
        Field("trains_on_inputs", not enterprise,
               "check the agreement: training on your data should be excluded" if enterprise
               else "check the terms: consumer terms often allow training on inputs"),
        Field("modality", ["text"]),
    ]
    draft.component("genai-app", "GenAI app", "genai-app", "vendor",
                    hosting="third-party-saas",
                    description="The third-party generative-AI app, used as it is.",
                    data=prompts, extra=[Field("model", model)])
    if staff:
        draft.component(
            "web-gateway", "Secure web gateway", "api-gateway", "corp-network",
            hosting="self-hosted",
            description="Egress proxy every request to the app passes through: who may use it, "
                        "which data may leave, and a log of each request.",
            data=prompts)
        draft.flow("client-app", "web-gateway", "Requests to the app", prompts, "https")
        draft.flow("web-gateway", "genai-app", "Prompts and answers", prompts, "https")
        entry = "web-gateway"
    else:
        draft.flow("client-app", "genai-app", "Prompts and answers", prompts, "https")
        entry = "client-app"
    draft.component("monitoring", "Usage logs", "monitoring", "corp-network",
                    hosting="self-hosted",
                    description="Who used the app, when, and what the gateway blocked."
                    if staff else "Usage and audit logs exported from the app.",
                    data=["internal"], extra=[Field("store", [
                        Field("persistence", "long-term")])])
    if staff:
        draft.flow("web-gateway", "monitoring", "Request logs", ["internal"], "https")
    else:
        draft.flow("genai-app", "monitoring", "Audit log export", ["internal"], "https")
    return entry, "genai-app"


def _build_app(draft: _Draft, prompts: list[str]) -> tuple[str, str]:
    """Scopes 3–5: your application in front of a foundation model."""
    answers = draft.answers
    draft.component("api-gateway", "API gateway", "api-gateway", "app-account",
                    hosting="managed-service",
                    description="Authenticates callers and limits their request rate.",
                    data=prompts)
    draft.component("app-service", "Application back end", "service", "app-vpc",
                    hosting="self-hosted",
                    description="Builds prompts, calls the model and returns the answers.",
                    data=prompts)
    draft.component("guardrail", "Input and output filter", "guardrail", "app-account",
                    hosting="managed-service",
                    description="Screens prompts for attacks and answers for sensitive data.",
                    data=prompts)
    if answers.ownership == "model-api":
        model = [Field("provider", "Model provider (managed API)"),
                 Field("origin", "pre-trained",
                        "a third-party model called unchanged: generative scope 3"),
                 Field("modality", ["text"])]
        model_boundary, hosting = "model-provider", "managed-api"
        text = "A third-party foundation model called through the provider's API."
    elif answers.ownership == "fine-tuned":
        model = [Field("provider", "Base model provider; fine-tuned by you"),
                 Field("origin", "fine-tuned",
                        "a third-party base tuned on your data: generative scope 4"),
                 Field("base_model", "Name and version of the base model"),
                 Field("weights_format", "safetensors"),
                 Field("modality", ["text"])]
        model_boundary, hosting = "ml-account", "managed-service"
        text = ("The fine-tuned model's endpoint. It learned from your data, so it is "
                "classified like its training data.")
    else:
        model = [Field("provider", "You (trained in-house)"),
                 Field("origin", "self-trained",
                        "trained from scratch on your data: generative scope 5"),
                 Field("weights_format", "safetensors"),
                 Field("modality", ["text"])]
        model_boundary, hosting = "ml-account", "self-hosted"
        text = ("The self-trained model's endpoint. It learned from your data, so it is "
                "classified like its training data.")
    data = prompts if answers.ownership == "model-api" \
        else [*prompts, "training-data", "model-artifacts"]
    draft.component("llm", "Foundation model", "foundation-model", model_boundary,
                    hosting=hosting, description=text, data=data,
                    extra=[Field("model", model)])
    draft.component("monitoring", "Logs and traces", "monitoring", "app-account",
                    hosting="managed-service",
                    description="Model invocation logs, guardrail interventions and metrics.",
                    data=prompts, extra=[Field("store", [Field("persistence", "long-term")])])
    draft.flow("client-app", "api-gateway", "Application API", prompts, "https")
    draft.flow("api-gateway", "app-service", "Requests", prompts, "https")
    draft.flow("app-service", "guardrail", "Prompt and answer checks", prompts, "https")
    draft.flow("app-service", "monitoring", "Logs", prompts, "https")
    return "app-service", "llm"


def _rag(draft: _Draft, answers: Answers) -> str:
    """Retrieval over your documents; returns the component that answers queries."""
    docs = ["internal", "confidential"]
    # Whether customers' documents share the index is left for the review to answer: a
    # default here would raise or hide LLM08-CROSS-TENANT-RETRIEVAL on a fact nobody stated.
    store = [Field("persistence", "long-term")]
    if answers.buys:
        home = "tenant" if answers.ownership == "enterprise-app" else "vendor"
        draft.component("documents", "Your documents", "knowledge-base",
                        "tenant" if home == "tenant" else "corp-network",
                        hosting="third-party-saas" if home == "tenant" else "self-hosted",
                        description="The documents the app may draw on.", data=docs,
                        extra=[Field("store", [Field("persistence", "long-term")])])
        draft.component("vector-store", "The app's document index", "vector-store", home,
                        hosting="third-party-saas",
                        description="The provider's index over your documents.", data=docs,
                        extra=[Field("store", store)])
        draft.flow("genai-app", "vector-store", "Retrieval", docs, "https")
        draft.flow("vector-store", "documents", "Indexing", docs, "https",
                   description="The provider's connector reads your documents into its index.")
        return "vector-store"
    draft.component("documents", "Source documents", "knowledge-base", "app-account",
                    hosting="managed-service", description="The documents answers draw on.",
                    data=docs, extra=[Field("store", [Field("persistence", "long-term")])])
    draft.component("ingestion", "Ingestion job", "service", "app-vpc", hosting="self-hosted",
                    description="Splits and embeds the documents and writes the index.",
                    data=docs)
    draft.component("embedding-model", "Embedding model", "foundation-model", "model-provider",
                    hosting="managed-api", description="Turns text into vectors.", data=docs,
                    extra=[Field("model", [
                        Field("provider", "Model provider (managed API)"),
                        Field("origin", "pre-trained"),
                        Field("modality", ["embedding"])])])
    draft.component("vector-store", "Vector store", "vector-store", "app-account",
                    hosting="managed-service",
                    description="The embeddings index that retrieval searches.",
                    data=docs, extra=[Field("store", store)])
    draft.flow("ingestion", "documents", "Read documents", docs, "https")
    draft.flow("ingestion", "embedding-model", "Embed chunks", docs, "https")
    draft.flow("ingestion", "vector-store", "Write the index", docs, "https")
    return "vector-store"


_TOOLS: dict[ToolKind, tuple[str, str, str, str]] = {
    # kind: (tool id, name, permission, description)
    "read-data": ("data-reader", "Read records", "read",
                  "Looks up records in the business data."),
    "write-data": ("data-writer", "Write records", "write",
                   "Creates and changes records in the business data."),
    "run-code": ("code-sandbox", "Code sandbox", "execute",
                 "Runs code and commands the agent generates."),
    "move-money": ("payments", "Payments", "financial", "Makes payments and refunds."),
    "send-messages": ("messaging", "Send messages", "external-communication",
                      "Sends e-mail and messages outside the organisation."),
}


def _agent(draft: _Draft, answers: Answers, entry: str, model_id: str, retrieval: str | None,
           prompts: list[str]) -> None:
    buys = answers.buys
    home = "vendor" if buys else "agent-runtime"
    hosting = "third-party-saas" if buys else "self-hosted"
    source = "third-party" if buys else "first-party"
    grants: list[dict[str, Any]] = []
    data_store = ""

    def tool(cid: str, name: str, permission: str, description: str) -> str:
        draft.component(cid, name, "tool", home, hosting=hosting, description=description,
                        extra=[Field("tool", [
                            Field("authentication", "oauth" if buys else "iam"),
                            Field("side_effects", [permission]),
                            Field("source", source),
                            Field("transport", "in-process")])])
        grants.append({"tool": cid, "permissions": [permission]})
        return cid

    for kind in answers.tool_kinds:
        cid, name, permission, description = _TOOLS[kind]
        if kind in ("read-data", "write-data"):
            if not data_store:
                data_store = draft.component(
                    "business-data", "Business data", "data-store",
                    "corp-network" if buys else "app-vpc",
                    hosting="self-hosted" if buys else "managed-service",
                    description="The records the agent works on.",
                    data=["internal", "confidential", "pii"],
                    extra=[Field("store", [Field("persistence", "long-term")])])
            tool(cid, name, permission, description)
            draft.flow(cid, data_store, "Read records" if kind == "read-data"
                       else "Write records", ["internal", "confidential", "pii"], "https")
        elif kind == "run-code":
            draft.component(cid, name, "code-sandbox", "vendor-sandbox" if buys else "sandbox",
                            hosting=hosting, description=description,
                            extra=[Field("tool", [
                                Field("authentication", "iam"),
                                Field("side_effects", ["execute"]),
                                Field("source", source),
                                Field("transport", "http")])])
            grants.append({"tool": cid, "permissions": ["execute"]})
            draft.flow("agent", cid, "Run generated code", ["internal", "untrusted-content"],
                       "https")
        elif kind == "move-money":
            tool(cid, name, permission, description)
            draft.component("payment-service", "Payment provider", "external-service",
                            "payment-provider", description="Moves the money.",
                            extra=[Field("tool", [Field("authentication", "api-key"),
                                                   Field("side_effects", ["financial"]),
                                                   Field("source", "third-party")])])
            draft.flow(cid, "payment-service", "Payment orders", ["payment", "pii"], "https")
        else:
            tool(cid, name, permission, description)
            draft.component("recipients", "Outside recipients", "external-service", "internet",
                            description="Whoever the agent writes to: mail servers, chat, "
                                        "web services.",
                            extra=[Field("tool", [
                                Field("side_effects", ["external-communication"]),
                                Field("source", "third-party")])])
            draft.flow(cid, "recipients", "Outbound messages", ["internal", "pii"], "smtp")
    if retrieval is not None and not buys:
        draft.component("kb-search", "Document search", "tool", home, hosting=hosting,
                        description="Searches the document index for the agent.",
                        extra=[Field("tool", [Field("authentication", "iam"),
                                               Field("side_effects", ["read"]),
                                               Field("source", source),
                                               Field("transport", "in-process")])])
        grants.append({"tool": "kb-search", "permissions": ["read"]})
        draft.flow("kb-search", retrieval, "Retrieval", ["internal", "confidential"], "https")
        draft.flow("kb-search", "embedding-model", "Embed the query", ["internal"], "https")

    acts = answers.agency == "acts"
    approval = answers.approval if acts else "none"
    event = answers.trigger == "event"
    agent_fields = [
        Field("model", model_id),
        Field("tools", grants,
               above=("# In-process tools have no flow of their own: the grant is that edge.",)),
        Field("approval", approval, _approval_note(answers)),
        Field("triggers", ["event", "schedule"] if event else ["user"], _trigger_note(answers)),
        Field("identity", "delegated-user" if buys else "own-service-identity"),
        Field("credential_lifetime", "short-lived"),
    ]
    if "run-code" in answers.tool_kinds:
        agent_fields.append(Field("runs_generated_code", True, "only inside the sandbox"))
    extra = [Field("agent", agent_fields)]
    if approval == "every-action":
        extra.insert(0, Field("human_review", True, "a person approves every action"))
    draft.component("agent", "Agent", "agent", home, hosting=hosting,
                    description="Plans and calls tools to carry out its task.",
                    data=[*prompts, "untrusted-content"] if "untrusted-content" not in prompts
                    else prompts, extra=extra)
    draft.flow(entry, "agent", "Goal and results" if not event else "Status and results",
               prompts, "https")
    draft.flow("agent", model_id, "Reasoning calls", prompts, "https")
    if event:
        draft.component("event-source", "Events and schedules", "service",
                        "vendor" if buys else "app-account",
                        hosting=hosting if buys else "managed-service",
                        description="Event bus and scheduler that start the agent.",
                        data=["internal"])
        draft.flow("event-source", "agent", "Start events", ["internal"], "https")
    if not buys:
        draft.flow("agent", "monitoring", "Agent traces", prompts, "https")


def _approval_note(answers: Answers) -> str:
    if answers.agency != "acts":
        return "its tools only read: there is nothing to approve"
    return {
        "none": "no action waits for a person",
        "high-risk": "say in the description which actions count as high-risk",
        "every-action": "nothing changes until a person approves: agentic scope 2",
    }[answers.approval]


def _trigger_note(answers: Answers) -> str:
    scope = answers.agentic_scope
    if answers.trigger == "event":
        return f"the agent starts itself: agentic scope {scope}" if scope == 4 else ""
    return "a person sets the goal: agentic scope 3" if scope == 3 else ""


def _training(draft: _Draft, answers: Answers, model_id: str) -> None:
    """Scopes 4–5: the data and pipeline that make the model, and where weights go."""
    fine_tune = answers.ownership == "fine-tuned"
    training = ["confidential", "pii", "training-data"]
    draft.component("ml-team", "ML engineers", "user", "corp-network",
                    description="Build the training data and run training.")
    draft.component("training-data", "Training data", "training-data", "ml-account",
                    hosting="managed-service",
                    description="The data the model is " + ("fine-tuned" if fine_tune
                                                            else "trained") + " on.",
                    data=training, extra=[Field("store", [Field("persistence", "long-term")])])
    draft.component("training-pipeline", "Fine-tuning pipeline" if fine_tune
                    else "Training pipeline", "training-pipeline", "ml-account",
                    hosting="self-hosted",
                    description="Training and evaluation jobs.",
                    data=[*training, "model-artifacts"])
    draft.component("model-registry", "Model registry", "model-registry", "ml-account",
                    hosting="managed-service", description="Versions of the model's weights.",
                    data=["model-artifacts"],
                    extra=[Field("store", [Field("persistence", "long-term")])])
    draft.flow("ml-team", "training-pipeline", "Start training runs", ["internal"], "https")
    draft.flow("training-pipeline", "training-data", "Read training data", training, "https")
    draft.flow("training-pipeline", "model-registry", "Publish weights", ["model-artifacts"],
               "https")
    draft.flow(model_id, "model-registry", "Load weights", ["model-artifacts"], "https")
    if fine_tune:
        draft.component("base-model-hub", "Base model source", "external-service",
                        "model-hub", description="Where the base model's weights come from.",
                        extra=[Field("tool", [Field("authentication", "api-key"),
                                               Field("source", "third-party")])])
        draft.flow("training-pipeline", "base-model-hub", "Download base weights",
                   ["model-artifacts"], "https")


# ---------------------------------------------------------------------------------------------
# Text


def build_model(answers: Answers, *, schema_ref: str | None = None) -> str:
    """A commented, valid starting model for ``answers`` (YAML text).

    ``schema_ref`` is what the ``yaml-language-server`` line points editors at; by default the
    installed schema's path, which a caller that knows where the file will live can replace
    with a relative one.
    """
    draft = _build(answers)
    ref = schema_ref if schema_ref is not None else model_schema_path().as_posix()
    lines = [
        f"# yaml-language-server: $schema={ref}",
        "#",
        # The name is free text: one line of it, so a newline in it cannot end the comment.
        f"# Starting model for {' '.join(answers.name.split())}, written by the scoping-tui "
        "guided start.",
        f"# Scopes from the answers: generative {answers.generative_scope} "
        f"({_GENERATIVE_WHY[answers.ownership]}),",
        f"# agentic {answers.agentic_scope} ({_agentic_why(answers)}).",
        "# Rename, add and remove components to match the real system. Facts nobody has",
        "# checked yet (flow `authenticated` and `encrypted`, store `encrypted_at_rest`) are",
        "# left out on purpose: the analysis treats an unstated fact as a possible weakness",
        "# until you state it.",
        "version: 1",
        "",
        "system:",
    ]
    emit_fields(lines, _system_fields(answers), 2)
    emit_items(lines, "boundaries", draft.boundaries.values(), gap=False)
    emit_items(lines, "components", draft.components, gap=True)
    emit_items(lines, "flows", draft.flows, gap=True)
    return text_of(lines)


_GENERATIVE_WHY: dict[Ownership, str] = {
    "consumer-app": "a public consumer GenAI app under its public terms",
    "enterprise-app": "an enterprise GenAI app under an enterprise agreement",
    "model-api": "a third-party model called unchanged through an API",
    "fine-tuned": "a third-party model fine-tuned on your data",
    "self-trained": "a model you train from scratch",
}


def _agentic_why(answers: Answers) -> str:
    if answers.agency == "none":
        return "no agents"
    if answers.agency == "read-only":
        return "agents only read"
    if answers.approval == "every-action":
        return "a person approves every action"
    if answers.trigger == "event":
        return "agents start themselves on events or schedules and act"
    return "a person sets the goal and the agent acts within it"


def _system_fields(answers: Answers) -> list[Field]:
    buys = "buy" if answers.buys else "build"
    tags = [buys, answers.ownership]
    if answers.rag:
        tags.append("rag")
    if answers.agency != "none":
        tags.append("agent")
    return [
        Field("name", answers.name),
        Field("description", _description(answers)),
        Field("owner", "Team accountable for the system and its risks",
               "replace with the real owner"),
        Field("phase", answers.phase),
        Field("generative_scope", answers.generative_scope,
               "compared with the scope the components imply"),
        Field("agentic_scope", answers.agentic_scope),
        Field("tags", tags),
    ]


def _description(answers: Answers) -> str:
    who = "Staff" if answers.users == "staff" else "Customers"
    what = {
        "consumer-app": "use a public consumer GenAI app",
        "enterprise-app": "use an enterprise SaaS app with GenAI features",
        "model-api": "use an application built on a third-party model called through an API",
        "fine-tuned": "use an application built on a third-party model fine-tuned on your data",
        "self-trained": "use an application built on a model trained in-house",
    }[answers.ownership]
    parts = [f"{who} {what}"]
    if answers.rag:
        parts.append("answers draw on your documents through retrieval")
    if answers.agency == "read-only":
        parts.append("an agent looks things up with read-only tools")
    elif answers.agency == "acts":
        kinds = ", ".join(_TOOLS[kind][1].lower() for kind in answers.tool_kinds)
        parts.append(f"an agent acts ({kinds})")
    return "; ".join(parts) + ". Describe what the system does and for whom."
