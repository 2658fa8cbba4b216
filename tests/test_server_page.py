"""The page of `progdb serve` in a real browser: a real server over a copy of the seeded database,
driven in headless Chromium (Debian's /usr/bin/chromium) with playwright."""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("screenshot_page", ROOT / "tools" / "screenshot_page.py")
shot = importlib.util.module_from_spec(_spec)
sys.modules["screenshot_page"] = shot
_spec.loader.exec_module(shot)

WAIT = 120_000  # ms: how long the browser waits for a stage (the first query loads the models)
TOKEN = "page-test-token"


@pytest.fixture(scope="module")
def browser():
    if not Path(shot.CHROMIUM).exists():
        reason = f"{shot.CHROMIUM} is missing: install Debian's chromium (apt-get install chromium chromium-driver)"
        if os.environ.get("PROGDB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (PROGDB_REQUIRE_BROWSER=1)")
        pytest.skip(reason + " (with PROGDB_REQUIRE_BROWSER=1, a failure)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = shot.launch(p)
        yield chromium
        chromium.close()


def _copy(seeded_path: str, tmp_path_factory) -> str:
    target = tmp_path_factory.mktemp("page") / "db"
    shutil.copytree(seeded_path, target)
    return str(target)


@pytest.fixture(scope="module")
def server(seeded_path, tmp_path_factory):
    with shot.serving(_copy(seeded_path, tmp_path_factory)) as url:
        yield url


class Visit:
    """A page in a fresh browser context, recording every request it makes and every error it reports."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.url = url
        self.page.goto(url)

    def text(self, selector: str) -> str:
        return self.page.inner_text(selector)

    def wait_text(self, selector: str, text: str) -> None:
        self.page.wait_for_function("([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)",
                                    arg=[selector, text], timeout=WAIT)

    def map_width(self) -> int:
        self.page.wait_for_function("() => { const m = document.getElementById('map'); "
                                    "return m.src && m.complete && m.naturalWidth > 0; }", timeout=WAIT)
        return self.page.eval_on_selector("#map", "m => m.naturalWidth")

    def close(self) -> None:
        """Nothing but this server was asked for (no CDN, no fonts), and the page reported no error."""
        outside = [u for u in self.requests if not (u.startswith(self.url) or u.startswith("blob:"))]
        self.context.close()
        assert outside == []
        assert self.errors == []


@pytest.fixture
def visit(browser, server):
    v = Visit(browser, server)
    yield v
    v.close()


def test_a_query_shows_each_stage(visit):
    shot.ask(visit.page, "plural of wolf")
    assert "wolf" in visit.page.inner_text("#read")  # 1. read: the input
    assert visit.page.inner_text("#read .chips") == "wolf"
    assert "plural of" in visit.text("#read")  # the key
    chosen = visit.page.locator("#candidates tbody tr.chosen")  # 2. retrieve: the program among the candidates
    assert chosen.count() == 1 and "plural" in chosen.inner_text()
    assert visit.page.locator("#candidates tbody tr").count() > 1
    decision = visit.text("#decision")  # 3. decide
    assert "nearest" in decision and "0.65" in decision
    assert "plural" in visit.text("#weights") and "1.00" in visit.text("#weights")
    answer = visit.text("#answers")  # 4. answer
    assert "wolves" in answer and "stored example" in answer
    assert "wolves" in visit.text("#verdict")
    assert visit.map_width() > 0  # the map, with the query on it (shot.ask waited for that one)
    assert "plural of wolf" in visit.page.get_attribute("#map", "alt")


def test_a_typo_is_corrected_on_the_way(visit):
    shot.ask(visit.page, "plurl of wolf")
    assert "plurl -> plural" in visit.text("#read")
    assert "wolves" in visit.text("#answers")


def test_a_best_guess_is_shown_as_one(visit):
    # a nurse educator's class saw "aspirin → anticoagulant" big and green, "not sure" on the line below
    shot.ask(visit.page, "superlative of zesty")
    guess = visit.page.locator("#answers .result .answer.guess")
    assert guess.count() == 1 and guess.inner_text().endswith("?"), visit.text("#answers")
    assert visit.page.locator("#verdict .answer.guess").count() == 1


def test_an_out_of_scope_prompt_finds_no_program(visit):
    visit.page.fill("#prompt", "what's the weather in Oslo")
    visit.page.click("#ask")
    visit.wait_text("#verdict", "no program")
    assert "below the threshold" in visit.text("#verdict")
    assert "none" in visit.text("#decision")
    assert visit.page.is_hidden("#weights")
    assert "Nothing to run" in visit.text("#stage-answer")
    assert visit.page.locator("#answers .output").count() == 0


def test_a_text_program_shows_its_compiled_prompt(visit):
    visit.page.fill("#prompt", "make this formal: hey whats up")
    visit.page.click("#ask")
    visit.wait_text("#answers", "Compiled prompt")
    assert "formal" in visit.text("#weights")
    assert "hey whats up" in visit.page.inner_text("#answers pre.compiled")


def test_a_pasted_message_keeps_its_lines_and_enter_runs_it(visit):
    """A support lead pasted a customer's email into the page's one-line box: its paragraphs were
    gone before the query ran. The box keeps lines (Shift+Enter adds one); Enter still runs it."""
    visit.page.fill("#prompt", "make this formal:\nhey, the order came broken\n\nwhen do i get a new one")
    visit.page.press("#prompt", "Enter")
    visit.wait_text("#answers", "Compiled prompt")
    assert "hey, the order came broken\n\nwhen do i get a new one" in visit.page.inner_text("#answers pre.compiled")


def test_the_programs_and_their_pairs(visit, seeded):
    visit.page.click("#tab-programs")
    visit.page.wait_for_selector("#programs tbody tr")
    stored = seeded.list()
    assert visit.page.locator("#programs tbody tr").count() == len(stored)
    assert visit.text("#programs-title") == f"Programs ({len(stored)})"
    visit.page.fill("#filter", "plural")
    assert visit.page.locator("#programs tbody tr:visible").count() == \
        sum("plural" in f"{p['name']} {p['kind']} {p['description']}".lower() for p in stored)
    visit.page.click("#programs tbody tr[data-name=plural] button")
    visit.wait_text("#program-name", "plural (vector)")
    program = seeded.get("plural")
    assert visit.page.locator("#program-keys li").all_inner_texts() == program.keys
    rows = visit.page.locator("#pairs tbody tr")
    assert rows.count() == min(100, len(program.examples))
    first, last = program.examples[0], program.examples[rows.count() - 1]
    assert rows.nth(0).inner_text().split("\t") == ["1", first.input, first.output]
    assert rows.nth(rows.count() - 1).inner_text().split("\t")[1:] == [last.input, last.output]
    assert visit.text("#pairs-title") == f"Pairs (100 of {len(program.examples)} shown)"
    visit.page.click("#more-pairs")
    visit.wait_text("#pairs-title", f"Pairs (200 of {len(program.examples)} shown)")
    assert rows.nth(100).inner_text().split("\t")[1:] == [program.examples[100].input, program.examples[100].output]


def test_the_map_loads(visit):
    assert visit.map_width() > 0
    assert visit.page.get_attribute("#map", "alt") == "map of program space"


def test_the_data_endpoints(server, seeded):
    with httpx.Client(base_url=server, timeout=120) as http:
        png = http.get("/page-data/map.png", params={"q": "plural of wolf"})
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
        assert http.get("/page-data/programs").json()["programs"] == seeded.list()
        card = http.get("/page-data/programs/plural", params={"offset": 5, "limit": 3}).json()
        assert card["offset"] == 5 and card["n_examples"] == len(seeded.get("plural").examples)
        assert card["examples"] == seeded.get("plural").card()["examples"][5:8]
        missing = http.get("/page-data/programs/no-such-program")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
        assert http.get("/static/page.css").status_code == 200
        assert http.get("/static/../page.py").status_code == 404
        assert http.get("/page-data/config").json()["token_required"] is False
        page = http.get("/")
        assert "default-src 'none'" in page.headers["content-security-policy"]


def test_with_a_token_the_page_asks_for_it(browser, seeded_path, tmp_path_factory):
    with shot.serving(_copy(seeded_path, tmp_path_factory), token=TOKEN) as url:
        with httpx.Client(base_url=url, timeout=120) as http:
            assert http.get("/").status_code == 200  # the page and its files load without the token
            assert http.get("/static/page.js").status_code == 200
            assert http.get("/page-data/config").json()["token_required"] is True
            assert http.get("/page-data/programs").status_code == 401
            assert http.get("/page-data/map.png").status_code == 401
            assert http.get("/page-data/programs", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        visit = Visit(browser, url)
        page = visit.page
        page.wait_for_selector("#token-form:not([hidden])")
        assert page.get_attribute("#map", "src") is None  # nothing asked before the token is given
        assert not any("/page-data/map.png" in u or "/api/" in u for u in visit.requests)
        page.fill("#token-input", "wrong")
        page.click("#token-form button[type=submit]")
        visit.wait_text("#token-message", "refused")
        assert page.is_visible("#token-form")
        page.fill("#token-input", TOKEN)
        page.click("#token-form button[type=submit]")
        assert visit.map_width() > 0
        assert page.is_hidden("#token-form")
        assert page.evaluate("sessionStorage.getItem('progdb.token')") == TOKEN
        shot.ask(page, "plural of wolf")
        assert "wolves" in visit.text("#answers")
        visit.errors = [e for e in visit.errors if "401" not in e]  # the refused token, as the browser logs it
        visit.close()
