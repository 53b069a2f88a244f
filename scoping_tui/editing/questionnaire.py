"""The guided start's questions: they ask for the real parts of the system (who uses it, the
front end, a back end, the model, agents with their tools, retrieval stores) in plain words.

``editing/proposal.py`` turns the answers into the boundaries, components and flows to review;
nothing is proposed that the answers do not name or need (an agent reasons with the model
stated). Whose model it is keeps the generative scope of the AWS matrix (1 consumer app, 2
enterprise app, 3 a model through an API, 4 fine-tuned, 5 self-trained); the agentic scope
follows from the tools' access and approvals and what starts the agents.

Security facts (encryption, authentication, tenancy, an agent's identity) are not asked and
not assumed: each is a question for the review until the model states it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from scoping_tui.editing.part_lines import (
    MAX_NAME,
    StoreLine,
    ToolLine,
    parse_names,
    parse_stores,
    parse_tools,
)

Ownership = Literal["model-api", "fine-tuned", "self-trained", "enterprise-app", "consumer-app"]
Users = Literal["staff", "public", "both"]
FrontEnd = Literal["web", "chat", "mobile", "api", "none"]
Trigger = Literal["person", "event", "both"]
Phase = Literal["prototype", "production", "scaled"]
QuestionKind = Literal["text", "single", "lines"]

GENERATIVE_SCOPE_OF: dict[Ownership, int] = {
    "consumer-app": 1, "enterprise-app": 2, "model-api": 3, "fine-tuned": 4, "self-trained": 5,
}
MAX_AGENTS = 20
__all__ = ["MAX_AGENTS", "MAX_NAME", "QUESTIONS", "QUESTIONS_BY_ID", "AgentAnswer", "Answers",
           "Choice", "Question"]


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

    ``id`` is the answer it fills. ``kind``: ``text`` (one line), ``single`` (one of
    ``choices``), ``lines`` (several lines of text). ``per_agent``: asked once for each agent
    named, the answer a tuple of texts in the agents' order. ``asked_if`` maps other question
    ids to the answers that make this one relevant; ``needs`` names a text question whose
    answer must not be empty (or ``0``). A question that does not apply takes its default.
    """

    id: str
    text: str
    kind: QuestionKind
    choices: tuple[Choice, ...] = ()
    default: str = ""
    help: str = ""
    placeholder: str = ""
    asked_if: tuple[tuple[str, tuple[str, ...]], ...] = ()
    needs: str = ""
    per_agent: bool = False

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether to ask this question, given the answers so far (ids to values)."""
        if self.needs and str(answers.get(self.needs, "")).strip() in ("", "0"):
            return False
        return all(answers.get(other) in allowed for other, allowed in self.asked_if)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)


TOOLS_HELP = ("One tool per line: its name, a colon, what the agent may do with it (read, "
              "write, delete, execute, financial, send) and, if a person must approve, "
              "'approval always' or 'approval' with the condition: 'order lookup: read', "
              "'refunds: write, approval above 100 EUR'.")

QUESTIONS: tuple[Question, ...] = (
    Question("name", "What is the system called?", "text", default="New AI system",
             help="Shown in reports and diagrams; up to 200 characters."),
    Question("phase", "Where is it in its lifecycle?", "single", (
        Choice("prototype", "Prototype", "Early build, limited users."),
        Choice("production", "Production", "Serving real users and data."),
        Choice("scaled", "Scaled operations", "Many users, teams or agents."),
    ), default="prototype", help="Required controls accumulate from prototype to scaled."),
    Question("users", "Who uses it?", "single", (
        Choice("staff", "Your staff", "People of your organisation."),
        Choice("public", "The public", "Customers or anyone on the internet."),
        Choice("both", "Both", "Staff and the public."),
    ), default="staff"),
    Question("staff_groups", "Which staff groups use it?", "text",
             help="Optional, comma-separated (Support staff, Admins); empty: Employees.",
             placeholder="Employees", asked_if=(("users", ("staff", "both")),)),
    Question("public_groups", "Which public groups use it?", "text",
             help="Optional, comma-separated (Customers, Partners); empty: Customers.",
             placeholder="Customers", asked_if=(("users", ("public", "both")),)),
    Question("front_end", "What do they use it through?", "single", (
        Choice("web", "A web app", "A site or single-page app in the browser."),
        Choice("chat", "Chat in Slack, Teams or the like",
               "A bot in a chat service someone else runs."),
        Choice("mobile", "A mobile app", "An app on phones or tablets."),
        Choice("api", "An API only", "Their own programs call your API."),
        Choice("none", "Nothing of its own",
               "They use the GenAI app itself, or the agents start on events."),
    ), default="web"),
    Question("front_end_name", "What is the front end called?", "text",
             help="Optional; empty: named after the kind you chose.",
             asked_if=(("front_end", ("web", "chat", "mobile")),)),
    Question("backend", "What is your back end or API called, if there is one?", "text",
             help="The service of yours between the front end and the model or agents "
                  "(Support API). Empty: none, unless the users call an API.",
             placeholder="no back end"),
    Question("ownership", "Which model does it use?", "single", (
        Choice("model-api", "A hosted third-party model called through an API",
               "An existing foundation model, unchanged (generative scope 3)."),
        Choice("fine-tuned", "A third-party model you fine-tune",
               "A third-party base model further trained on your data (generative scope 4)."),
        Choice("self-trained", "A model you train yourself",
               "Trained from scratch on data you own or acquire (generative scope 5)."),
        Choice("enterprise-app", "An enterprise GenAI app",
               "Third-party business software with GenAI features, under an enterprise "
               "agreement (generative scope 2)."),
        Choice("consumer-app", "A public consumer GenAI app",
               "A public GenAI service used as it is, under its public terms (generative "
               "scope 1)."),
    ), default="model-api",
        help="AWS Generative AI Security Scoping Matrix: the more of the model you own, the "
             "more of its security is yours."),
    Question("model_name", "What is the model or app called?", "text",
             help="Optional (GPT-4o through Azure OpenAI); empty: named after the kind."),
    Question("agents", "Which agents are there?", "text",
             help="Their names, comma-separated (Support agent), or how many; empty: none.",
             placeholder="no agents"),
    Question("tools", "Tools of {agent}", "lines", help=TOOLS_HELP,
             placeholder="order lookup: read", needs="agents", per_agent=True),
    Question("trigger", "What starts the agents?", "single", (
        Choice("person", "A person's request",
               "Someone sets the goal through the front end or back end."),
        Choice("event", "Events or schedules", "The agents start themselves."),
        Choice("both", "Both", "People, and events or schedules."),
    ), default="person", needs="agents"),
    Question("stores", "Which retrieval stores do they search?", "lines",
             help="One per line: its name and, after a colon, what it holds (Internal "
                  "documents: product manuals, internal). Empty: none.",
             placeholder="internal documents: product manuals, internal"),
)
QUESTIONS_BY_ID: dict[str, Question] = {question.id: question for question in QUESTIONS}


# ---------------------------------------------------------------------------------------------
# Answers


@dataclass(frozen=True)
class AgentAnswer:
    name: str
    tools: tuple[ToolLine, ...] = ()


@dataclass(frozen=True)
class Answers:
    """What the user stated; the names of parts not named are left empty (``proposal``
    names them after their kind)."""

    name: str = "New AI system"
    phase: Phase = "prototype"
    users: Users = "staff"
    staff_groups: tuple[str, ...] = ()
    public_groups: tuple[str, ...] = ()
    front_end: FrontEnd = "web"
    front_end_name: str = ""
    backend: str = ""
    ownership: Ownership = "model-api"
    model_name: str = ""
    agents: tuple[AgentAnswer, ...] = ()
    trigger: Trigger = "person"
    stores: tuple[StoreLine, ...] = ()

    def __post_init__(self) -> None:
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name:
            raise ValueError("the system needs a name")
        if len(name) > MAX_NAME:
            raise ValueError(f"the system name is {len(name)} characters long; at most "
                             f"{MAX_NAME} fit")
        object.__setattr__(self, "name", name)
        for key, allowed in (("phase", Phase), ("users", Users), ("front_end", FrontEnd),
                             ("ownership", Ownership), ("trigger", Trigger)):
            value = getattr(self, key)
            if value not in get_args(allowed):
                raise ValueError(f"{key}: {value!r} is not one of "
                                 f"{', '.join(get_args(allowed))}")
        for key in ("front_end_name", "backend", "model_name"):
            value = " ".join(str(getattr(self, key)).split())
            if len(value) > MAX_NAME:
                raise ValueError(f"{key}: {len(value)} characters; at most {MAX_NAME} fit")
            object.__setattr__(self, key, value)
        if len(self.agents) > MAX_AGENTS:
            raise ValueError(f"agents: {len(self.agents)} named; at most {MAX_AGENTS}")
        names = [agent.name.lower() for agent in self.agents]
        if len(set(names)) != len(names):
            raise ValueError("agents: a name is used twice")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Answers:
        """Answers from a UI's question id → answer mapping (texts as typed; ``tools`` one
        text per agent, in order). Questions that do not apply or are missing take their
        default. ValueError names the question, and the agent and line for a tool."""
        known: dict[str, Any] = {}
        for question in QUESTIONS:
            if question.id not in values or not question.applies(values):
                continue
            value = values[question.id]
            if question.id in ("staff_groups", "public_groups"):
                label = "staff groups" if question.id == "staff_groups" else "public groups"
                known[question.id] = parse_names(str(value), label)
            elif question.id == "stores":
                known["stores"] = _parsed("stores", parse_stores, str(value))
            elif question.id not in ("agents", "tools"):
                known[question.id] = value
        if QUESTIONS_BY_ID["agents"].applies(values):
            known["agents"] = _agents(values)
        return cls(**known)

    @property
    def generative_scope(self) -> int:
        return GENERATIVE_SCOPE_OF[self.ownership]

    @property
    def buys(self) -> bool:
        """Scopes 1–2: a third-party GenAI app used as it is, which is the model."""
        return self.generative_scope <= 2


def _parsed(label: str, parse: Any, text: str) -> Any:
    try:
        return parse(text)
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}".replace("\n", f"\n{label}: ")) from None


def _agents(values: Mapping[str, Any]) -> tuple[AgentAnswer, ...]:
    names = parse_names(str(values.get("agents", "")), "agents", numbered="Agent")
    texts = values.get("tools", ())
    texts = (texts,) if isinstance(texts, str) else tuple(_texts(texts))
    agents = []
    for index, name in enumerate(names):
        text = texts[index] if index < len(texts) else ""
        agents.append(AgentAnswer(name, _parsed(f"tools of {name}", parse_tools, text)))
    return tuple(agents)


def _texts(value: Sequence[Any] | Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, Sequence) else []
