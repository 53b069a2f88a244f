"""`scoping-tui serve`: textual-serve behind a per-run secret and Host and Origin checks.

Binding to 127.0.0.1 keeps other machines out, not other web pages: any page open in the user's
browser may ask for http://127.0.0.1:PORT, and a WebSocket is not bound by the same-origin
policy. So, as Jupyter does:

- every run has a new random token, printed in the address to open (``/?token=…``). The page
  answers only with it, and sets it as an HttpOnly, SameSite=Strict cookie; the WebSocket and
  downloads need it too, as that cookie or as ``?token=`` (for clients that are not browsers);
- the ``Host`` header must name this server with its port: an IP address, ``localhost`` or the
  name given to ``--host``. A page on a name of its own that resolves to 127.0.0.1 (DNS
  rebinding) is same-origin with itself, not with us, and is refused here;
- an ``Origin`` header (browsers send one with every WebSocket) must be this server's own.

textual-serve's static files (its script, styles and fonts: nothing secret) need only the right
Host. The page is our copy of textual-serve's, without the Google Fonts link, so the browser
reaches nothing but this server. Part of the UI shell: the core never imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import secrets
import signal
import sys
from pathlib import Path
from typing import TextIO

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler
from textual_serve.server import Server, to_int

log = logging.getLogger("scoping-tui.serve")

PAGE = "serve_index.html"
TEMPLATES = Path(__file__).parent / "templates"
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
OPEN_PATHS = ("/static/",)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def split_host(value: str) -> tuple[str, int] | None:
    """(name, port) from a ``Host`` header (the port 80 when absent); None when malformed."""
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1:]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else None
    else:
        name, colon, port_text_found = value.rpartition(":")
        if not colon:
            name, port_text_found = value, ""
        port_text = port_text_found if colon else None
    if port_text is None:
        port = 80
    elif port_text.isascii() and port_text.isdigit() and len(port_text) <= 5:
        port = int(port_text)
    else:
        return None
    return name.lower().rstrip("."), port


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def url_host(host: str) -> str:
    """``host`` as written in a URL: IPv6 in brackets, a wildcard as the loopback address."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def ui_command(model: Path, confine: bool) -> list[str]:
    """The command each browser connection runs: the UI on ``model``, confined to its folder
    unless ``confine`` is False."""
    command = [sys.executable, "-m", "scoping_tui", "open", "--ui"]
    if confine:
        command += ["--confine-to", str(model.parent)]
    return [*command, str(model)]


def _same(given: str | None, token: str) -> bool:
    # Bytes: compare_digest refuses str with characters outside ASCII, which a query may hold.
    return given is not None and secrets.compare_digest(given.encode("utf-8"),
                                                        token.encode("utf-8"))


class GuardedServer(Server):
    """textual-serve's server, answering only requests with the token, for its own address."""

    def __init__(self, command: str, *, host: str, port: int, model: str,
                 token: str | None = None, out: TextIO = sys.stdout) -> None:
        super().__init__(command, host=host, port=port, title="scoping-tui",
                         templates_path=TEMPLATES)
        self.token = token or new_token()
        # Browsers keep cookies per host name, not per port: one per server on this machine.
        self.cookie = f"scoping-tui-token-{port}"
        self.model = model
        self.names = frozenset({"localhost", host.lower().rstrip(".")} - WILDCARDS)
        self.out = out

    @property
    def url(self) -> str:
        """The address to open, with the token."""
        return f"http://{url_host(self.host)}:{self.port}/?token={self.token}"

    def host_allowed(self, header: str) -> bool:
        """``header`` names this server: its port, and a name no web page can rebind."""
        parsed = split_host(header)
        if parsed is None:
            return False
        name, port = parsed
        return port == self.port and (name in self.names or is_ip(name))

    def refusal(self, request: web.Request) -> str | None:
        """Why ``request`` is refused (None: it may go on)."""
        host = request.headers.get("Host", "")
        if not self.host_allowed(host):
            return f"Host {host!r} is not this server's address"
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() != f"http://{host}".lower():
            return f"Origin {origin!r} is not this server"
        if request.path.startswith(OPEN_PATHS):
            return None
        if not (_same(request.query.get("token"), self.token)
                or _same(request.cookies.get(self.cookie), self.token)):
            return "no token, or a wrong one"
        return None

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()

        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            reason = self.refusal(request)
            if reason is not None:
                log.warning("refused %s %s: %s", request.method, request.path, reason)
                return web.Response(
                    status=403, text="403 Forbidden: open the address that `scoping-tui serve` "
                    "printed, with its token, in this browser.\n")
            return await handler(request)

        app.middlewares.append(guard)
        app.on_response_prepare.append(self._security_headers)
        return app

    async def _security_headers(self, request: web.Request,
                                response: web.StreamResponse) -> None:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        host = request.headers["Host"]  # checked by the guard
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            # From the address the browser used, so the WebSocket goes to the same host and
            # carries the cookie set for it (textual-serve uses the bound address).
            "app_websocket_url": f"ws://{host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template(PAGE, request, context)
        response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict", path="/")
        response.headers["Cache-Control"] = "no-store"
        # The page and its script talk only to this server, and no other page may frame it.
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            f"connect-src 'self' ws://{host}; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'none'")
        return response

    def initialize_logging(self) -> None:
        super().initialize_logging()
        # Keep the token out of the request log: it is printed once, on purpose.
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the address is announced once the port is bound (see ``serve``)."""

    def announce(self, *_: object) -> None:
        # Plain writes, not Rich: a console narrower than the URL would break it across lines.
        self.out.write(f"scoping-tui: serving {self.model} to a web browser. Open this "
                       "address (its token is new each run; keep it to yourself):\n\n"
                       f"    {self.url}\n\nPress Ctrl+C to stop.\n")
        self.out.flush()

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, announcing the address only once it answers (its own
        ``on_startup`` prints before the port is bound, or even when binding fails)."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False,
                    loop=loop, print=self.announce)
