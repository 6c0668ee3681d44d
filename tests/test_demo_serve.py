"""``qaf demo --serve``: the demo's store in a browser, signed in as anyone, and only for a store a demo made.

A short demo (ten days of the demo council) is replayed once for the module;
its store is served by :func:`qaf.demo.serve.demo_app` (the app ``qaf demo
--serve`` runs) through Starlette's test client, and once by the real
command on loopback.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from starlette.testclient import TestClient

from qaf.demo import serve
from qaf.demo.replay import DemoOptions, run_demo
from qaf.engine.query import Filters
from qaf.rules.problems import QafError
from qaf.store import meta
from qaf.store.sql import SqlStore
from qaf.web.api import create_app
from tests.served import Served
from tests.smtp import free_port

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    run_demo(DemoOptions(out=out, days=10), Console(file=open(os.devnull, "w")))
    return out


@pytest.fixture
def browser(demo: Path):
    app = serve.demo_app(demo)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def choose(client: TestClient, role: str) -> tuple[str, str]:
    """The first person the sign-in page lists under ``role``: (id, label)."""
    page = html.unescape(client.get("/demo/sign-in").text)
    section = page.split(f"<h2>{role} ", 1)[1].split("</ul>", 1)[0]
    pid, label = re.search(r'name="person" value="([^"]+)" class="link">([^<]+)<', section).groups()
    return pid, label


def test_the_sign_in_page_lists_everyone_by_role_leaders_first(browser: TestClient) -> None:
    page = browser.get("/demo/sign-in")
    assert page.status_code == 200
    heads = re.findall(r"<h2>([^<]+?) <span", html.unescape(page.text))
    assert heads[0] == "Director of Children's Services"
    assert heads.index("Operations Manager") < heads.index("Practice Manager")
    assert "<details>" in page.text and "Social Worker" in page.text  # everyone else, folded away
    assert serve.BANNER in page.text


def test_a_practice_manager_browses_her_work_with_the_banner_on_every_page(browser: TestClient) -> None:
    pid, label = choose(browser, "Practice Manager")
    form = browser.get("/demo/sign-in").text
    answer = browser.post("/demo/sign-in", data={"csrf": csrf(form), "person": pid})
    assert answer.status_code == 303 and answer.headers["location"] == "/my-work"
    work = browser.get("/my-work")
    assert work.status_code == 200 and label.split(",")[0] in html.unescape(work.text) and serve.BANNER in work.text
    one = re.search(r'href="(/obligations/[0-9a-f]{16})"', work.text)
    assert one, "a Practice Manager in the demo has work"
    assert serve.BANNER in browser.get(one.group(1)).text
    assert serve.BANNER in browser.get("/obligations/0000000000000000").text  # a 404 page too
    assert serve.BANNER in browser.get("/sign-in").text


def test_the_director_sees_everyone(browser: TestClient, demo: Path) -> None:
    pid, label = choose(browser, "Director of Children's Services")
    browser.post("/demo/sign-in", data={"csrf": csrf(browser.get("/demo/sign-in").text), "person": pid})
    assert label.split(",")[0] in html.unescape(browser.get("/my-work").text)
    store = SqlStore.open(f"sqlite:///{demo / 'qaf.db'}")
    try:
        org, every = store.org(), store.obligations(Filters(statuses=None))
    finally:
        store.close()
    # a meeting's page names who attends and who is copied in (it once failed: map() takes a filter's name, not a function)
    for ob in (next(o for o in every if o.attendees), next(o for o in every if o.copies)):
        page = browser.get(f"/obligations/{ob.id}")
        assert page.status_code == 200
        assert all(html.escape(org.person(p).name) in page.text for p in (*ob.attendees, *ob.copies) if org.person(p))


def test_bad_posts_are_refused(browser: TestClient) -> None:
    pid, _ = choose(browser, "Practice Manager")
    token = csrf(browser.get("/demo/sign-in").text)
    assert browser.post("/demo/sign-in", data={"person": pid}).status_code == 403  # no CSRF token
    assert browser.post("/demo/sign-in", data={"csrf": "x" * 40, "person": pid}).status_code == 403
    assert browser.post("/demo/sign-in", data={"csrf": token, "person": "NOBODY"}).status_code == 400
    assert browser.post("/demo/sign-in", data={"csrf": token}).status_code == 400
    assert browser.get("/my-work").status_code == 303  # nobody signed in


def test_a_sign_in_waiting_for_the_database_holds_up_nobody_else(demo: Path) -> None:
    """Signing in writes a session, and waits, as it must, while another writer holds the store (the demo's
    tick, a second window): in a worker thread, as every other form does. It waited on the server's one event
    loop, and every other request (the stylesheet, another person's page) waited with it."""
    from tests.served import HOLD as hold
    from tests.served import stylesheet_while_held

    with Served(serve.demo_app(demo)) as served, httpx.Client(base_url=served.base, timeout=30) as person:
        pid, _ = choose(person, "Practice Manager")
        token = csrf(person.get("/demo/sign-in").text)
        other = SqlStore.open(serve.demo_store(demo))
        try:  # SQLite's write lock, held
            took, answer = stylesheet_while_held(served, other, lambda conn: conn.exec_driver_sql("UPDATE meta SET value = value WHERE key = 'none'"),
                                                 lambda: person.post("/demo/sign-in", data={"csrf": token, "person": pid}))  # fmt: skip
        finally:
            other.close()
        assert answer.status_code == 303 and took < hold / 2, (answer.status_code, took)


def test_qaf_serve_never_offers_it(demo: Path, db_url: str) -> None:
    """Neither on a council's own store, nor on the demo's store served by ``qaf serve``."""
    for url in (db_url, f"sqlite:///{demo / 'qaf.db'}"):
        app = create_app(url)
        try:
            client = TestClient(app, follow_redirects=False)
            assert client.get("/demo/sign-in").status_code == 404
            assert client.post("/demo/sign-in", data={"person": "P0001"}).status_code in (404, 405)
            assert serve.BANNER not in client.get("/sign-in").text
        finally:
            app.state.store.close()


def test_only_a_store_the_demo_made_is_served(tmp_path: Path, demo: Path) -> None:
    with pytest.raises(QafError, match="no demo store"):
        serve.demo_app(tmp_path)
    SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}").close()  # a store, but no demo's mark
    with pytest.raises(QafError, match="not a store qaf demo made"):
        serve.demo_app(tmp_path)
    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    try:
        app = create_app(f"sqlite:///{tmp_path / 'qaf.db'}")
        with pytest.raises(QafError):
            serve.install(app, store, lambda: None, None)
        meta.put(store, meta.DEMO, "not json")
        assert serve.demo_mark(store) is None
    finally:
        app.state.store.close()
        store.close()
    run = subprocess.run([sys.executable, "-m", "qaf", "demo", "--serve-only", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode != 0 and "not a store qaf demo made" in run.stderr


def test_the_command_serves_the_demo_on_loopback(demo: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "qaf", "demo", "--serve-only", "--out", str(demo), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline, page = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/demo/sign-in", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert page is not None and page.status_code == 200 and "Practice Manager" in page.text
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"http://localhost:{port}/demo/sign-in" in out


def test_in_a_browser_the_demo_and_the_providers_button_pass_axe(demo: Path, tmp_path: Path) -> None:
    """The demo's sign-in, My work under the banner, and the sign-in page with the provider's button:
    axe-core finds no serious or critical violation; screenshots at desktop and phone widths."""
    from tests.test_web_browser import Browser, _need_chromium
    from qaf.web.oidc import OidcSettings
    from tests.test_feeds import TODAY

    _need_chromium()
    shots = Path(os.environ.get("QAF_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    app = serve.demo_app(demo)
    sso = create_app(f"sqlite:///{tmp_path / 'sso.db'}", lambda: TODAY,
                     oidc_settings=OidcSettings("https://id.example", "qaf", "secret", "Sign in with Microsoft"))  # fmt: skip
    with Served(app) as server, Served(sso) as other:
        browser = Browser(shots)
        try:
            browser.base = server.base
            browser.page.goto(f"{server.base}/demo/sign-in")
            browser.check("demo-sign-in")
            browser.page.set_viewport_size({"width": 375, "height": 900})  # each person a thumb's target (44 px) on a phone
            small = browser.page.evaluate("""[...document.querySelectorAll('main .people button')].map(b => b.getBoundingClientRect())
                .filter(r => r.width > 0 && r.height < 44).length""")  # fmt: skip
            assert small == 0, f"{small} people's buttons under 44 px tall at 375 px"
            browser.page.set_viewport_size({"width": 1280, "height": 900})
            with browser.page.expect_navigation():
                browser.page.locator("main h2:has-text('Practice Manager') + ul button").first.click()
            assert browser.page.url.endswith("/my-work")
            assert browser.page.locator(".demo-banner").is_visible()
            browser.check("demo-my-work")
            browser.base = other.base
            browser.page.goto(f"{other.base}/sign-in")
            assert browser.page.locator("a:has-text('Sign in with Microsoft')").is_visible()
            browser.check("sign-in-oidc")
            assert browser.outside == []
        finally:
            browser.close()
            app.state.store.close()
            sso.state.store.close()


def test_bad_serve_options_are_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from qaf.cli.main import main

    for args, word in ((["--port", "http"], "--port"), (["--port", "0"], "--port")):
        with pytest.raises(SystemExit) as exit_:
            main(["demo", "--serve-only", "--out", str(tmp_path), *args])
        assert exit_.value.code == 2 and word in capsys.readouterr().err
    assert not (tmp_path / "qaf.db").exists()
