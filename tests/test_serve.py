"""`scoping-tui serve` answers only its own page, with this run's token, at its own address.

Every test talks to a real server process on loopback with aiohttp's client (a real WebSocket
handshake) or with a real browser: a page on another origin must not be able to read the UI or
type into it, and the page opened from the printed address must still work.
"""

from __future__ import annotations

import asyncio
import http.server
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import ROOT
from tests.tools_support import required_program

SAMPLE = ROOT / "samples" / "ops-agent.yaml"
ADDRESS = re.compile(r"(?P<base>http://\S+/)\?token=(?P<token>[A-Za-z0-9_-]+)")
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--enable-logging=stderr",
                 "--v=0", "--virtual-time-budget=10000"]


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    base: str
    """``http://HOST:PORT/`` as printed."""
    token: str
    printed: str

    @property
    def origin(self) -> str:
        return self.base.rstrip("/")

    @property
    def ws(self) -> str:
        return "ws" + self.origin.removeprefix("http") + "/ws"

    def stop(self) -> tuple[str, str]:
        """Stop the server: (the rest of its output, its errors)."""
        self.process.terminate()
        out, err = self.process.communicate(timeout=30)
        return out, err


def _serve(host: str = "127.0.0.1", *extra: str, model: Path = SAMPLE) -> Served:
    port = _free_port(host)
    process = subprocess.Popen(
        [sys.executable, "-m", "scoping_tui", "serve", str(model), "--host", host,
         "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    printed = []
    # The address is printed once the port is bound; the loop ends if the server exits.
    for line in process.stdout:
        printed.append(line)
        found = ADDRESS.search(line)
        if found:
            return Served(process, port, found["base"], found["token"], "".join(printed))
    _, err = process.communicate(timeout=30)
    raise AssertionError(f"serve printed no address:\n{''.join(printed)}{err}")


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = _serve()
    try:
        yield server
    finally:
        server.stop()


def _session() -> aiohttp.ClientSession:
    # unsafe: aiohttp's cookie jar otherwise ignores cookies from IP addresses, as browsers do not.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _status(url: str, **headers: str) -> int:
    async with _session() as session, session.get(url, headers=headers) as response:
        return response.status


async def _refused_handshake(url: str, **kwargs: object) -> int:
    async with _session() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with session.ws_connect(url, **kwargs):  # type: ignore[arg-type]
                pass
    return refused.value.status


ESCAPES = re.compile(rb"\x1b\[[0-9;?$]*[A-Za-z]|\x1b\][^\x07]*\x07")


async def _until(socket_: aiohttp.ClientWebSocketResponse, *markers: str) -> None:
    """Read what the app draws until every one of ``markers`` has shown, as text without
    terminal escapes."""
    drawn = b""
    try:
        async with asyncio.timeout(90):  # the app keeps drawing: a limit on the whole wait
            while not all(m.encode("utf-8") in ESCAPES.sub(b"", drawn) for m in markers):
                message = await socket_.receive()
                assert message.type in (aiohttp.WSMsgType.BINARY,
                                        aiohttp.WSMsgType.TEXT), message
                if message.type == aiohttp.WSMsgType.BINARY:
                    drawn += message.data
    except TimeoutError:
        text = re.sub(" +", " ", ESCAPES.sub(b"", drawn).decode("utf-8", "replace"))
        raise AssertionError(f"never drawn: {markers}; drawn: {text[-6000:]}") from None


# -- the address and the page -----------------------------------------------------------------


def test_the_printed_address_carries_a_token_new_each_run(served: Served) -> None:
    assert served.base == f"http://127.0.0.1:{served.port}/"
    assert len(served.token) >= 43  # 32 random bytes
    assert str(SAMPLE) in served.printed
    other = _serve()
    try:
        assert other.token != served.token
    finally:
        other.stop()


async def test_the_page_needs_the_token(served: Served) -> None:
    async with _session() as session:
        async with session.get(served.base) as response:
            assert response.status == 403
            assert "token" in await response.text()
            assert not session.cookie_jar.filter_cookies(served.base)
        async with session.get(served.base, params={"token": served.token[:-1] + "x"}) as bad:
            assert bad.status == 403
        async with session.get(served.base, params={"token": "é" * 43}) as odd:
            assert odd.status == 403
        async with session.get(served.base, params={"token": served.token}) as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.headers["Set-Cookie"]
            policy = response.headers["Content-Security-Policy"]
    assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page
    assert "scoping-tui" in page
    # The browser is sent nowhere but this server (textual-serve's page loads Google Fonts).
    assert "https://" not in page and "googleapis" not in page
    assert "frame-ancestors 'none'" in policy
    assert cookie.startswith(f"scoping-tui-token-{served.port}={served.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


async def test_another_host_name_is_refused_dns_rebinding(served: Served) -> None:
    page = f"{served.base}?token={served.token}"
    assert await _status(page, Host=f"evil.example:{served.port}") == 403
    assert await _status(page, Host=f"127.0.0.1:{served.port + 1}") == 403
    assert await _status(page, Host="") == 403
    assert await _status(f"{served.base}static/js/textual.js",
                         Host=f"evil.example:{served.port}") == 403
    # Names a web page cannot rebind: the loopback names and addresses.
    assert await _status(page, Host=f"localhost:{served.port}") == 200
    async with _session() as session, session.get(
            page, headers={"Host": f"localhost:{served.port}"}) as response:
        assert f'"ws://localhost:{served.port}/ws"' in await response.text()


async def test_static_files_need_no_token_but_downloads_do(served: Served) -> None:
    assert await _status(f"{served.base}static/js/textual.js") == 200
    assert await _status(f"{served.base}download/some-key") == 403
    # With the token the request reaches textual-serve, which knows no such download.
    assert await _status(f"{served.base}download/some-key?token={served.token}") == 404


# -- the WebSocket ----------------------------------------------------------------------------


async def test_a_websocket_from_another_origin_is_refused_even_with_the_token(
        served: Served) -> None:
    url = f"{served.ws}?token={served.token}&width=80&height=24"
    assert await _refused_handshake(url, origin="http://evil.example") == 403
    assert await _refused_handshake(url, origin=f"http://127.0.0.1:{served.port + 1}") == 403
    assert await _refused_handshake(url, origin="null") == 403


async def test_a_websocket_without_the_token_is_refused(served: Served) -> None:
    assert await _refused_handshake(f"{served.ws}?width=80&height=24",
                                    origin=served.origin) == 403
    assert await _refused_handshake(f"{served.ws}?token=guess", origin=served.origin) == 403
    assert await _refused_handshake(f"{served.ws}?token={served.token}",
                                    headers={"Host": f"evil.example:{served.port}"}) == 403


async def test_the_page_opened_with_the_token_drives_the_app(served: Served) -> None:
    async with _session() as session:
        async with session.get(served.base, params={"token": served.token}) as page:
            assert page.status == 200
        # As the browser does: the cookie the page set, and the page's own origin.
        async with session.ws_connect(f"{served.ws}?width=100&height=30",
                                      origin=served.origin) as socket_:
            await _until(socket_, "SRE operations agent")  # the model tree, drawn by the app
    # A client that is not a browser sends no Origin and gives the token in the query.
    async with _session() as session, session.ws_connect(
            f"{served.ws}?token={served.token}&width=80&height=24") as socket_:
        assert not socket_.closed


# -- a real browser ---------------------------------------------------------------------------


def _browser(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    chromium = required_program("chromium")
    done = subprocess.run([chromium, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           "--dump-dom", url],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_browser_opening_the_printed_address_connects(served: Served, tmp_path: Path) -> None:
    done = _browser(tmp_path, f"{served.base}?token={served.token}")
    # textual-serve's script marks the terminal once its WebSocket is open: the cookie went
    # with the handshake and the Origin matched.
    terminal = re.search(r'<div id="terminal" class="([^"]*)"', done.stdout)
    assert terminal is not None and "-connected" in terminal[1].split(), done.stdout[-2000:]
    assert "Content Security Policy" not in done.stderr and "Refused to" not in done.stderr
    assert "403 Forbidden" in _browser(tmp_path / "again", served.base).stdout


ATTACK = """<!DOCTYPE html><title>waiting</title><script>
const socket = new WebSocket("{ws}?token={token}&width=80&height=24");
socket.onopen = () => {{ document.title = "opened"; }};
socket.onerror = () => {{ document.title = "refused"; }};
</script>"""


def test_a_page_on_another_origin_cannot_open_the_socket(served: Served, tmp_path: Path) -> None:
    """The issue's attack: a page in the user's browser opens the socket. Even knowing the
    token (it cannot), the page's own origin gives it away."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(
        ATTACK.format(ws=served.ws, token=served.token), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path / "site"), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        done = _browser(tmp_path, f"http://127.0.0.1:{site.server_address[1]}/index.html")
    finally:
        site.shutdown()
        site.server_close()
    assert "<title>refused</title>" in done.stdout, done.stdout[-2000:]


# -- the command ------------------------------------------------------------------------------


async def test_serve_warns_when_not_bound_to_localhost() -> None:
    server = _serve("127.0.0.2")
    try:
        assert server.base == f"http://127.0.0.2:{server.port}/"
        assert await _status(f"{server.base}?token={server.token}") == 200
    finally:
        _, err = server.stop()
    assert "plain HTTP" in err


def test_serve_confines_the_ui_to_the_models_folder_unless_told_otherwise() -> None:
    from scoping_tui.tui.serve import ui_command

    confined = ui_command(SAMPLE, confine=True)
    assert confined[-1] == str(SAMPLE)
    assert confined[confined.index("--confine-to") + 1] == str(SAMPLE.parent)
    assert "--confine-to" not in ui_command(SAMPLE, confine=False)


def test_the_confined_ui_refuses_a_model_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "open", "--ui",
                           "--confine-to", str(tmp_path / "a"), str(SAMPLE)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert f"not inside {tmp_path / 'a'}" in done.stderr


def test_serve_refuses_a_missing_file(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "serve",
                           str(tmp_path / "none.yaml")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert "file not found" in done.stderr


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_serve_refuses_a_port_that_is_not_one(port: str) -> None:
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "serve", str(SAMPLE),
                           "--port", port], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "is not a port number" in done.stderr and "Traceback" not in done.stderr


def test_serve_says_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "scoping_tui", "serve", str(SAMPLE),
                               "--port", str(port)], capture_output=True, text=True,
                              check=False, timeout=60)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in done.stderr
    assert "Traceback" not in done.stderr and "token=" not in done.stdout
