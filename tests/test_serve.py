"""serve: a served paper changes in an open browser page when its YAML is saved, and shows its problems when the YAML breaks."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from committee_papers.commands.serve import Preview, page_bar, with_bar
from committee_papers.sources.errors import ContentError
from committee_papers.sources.loader import loads
from committee_papers.sources.project import Config

from .browser import Browser, chromium
from .conftest import MINI_REPORT, ROOT

PAPER = "content/cabinet/mini.yaml"
WAIT = 180.0
"""Seconds a step may take on a busy machine before the test gives up; no step is timed."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--root", str(root), "serve", *args]


def until(check: Callable[[], Any], what: str) -> Any:
    """Return check()'s first true value, asking again until WAIT runs out."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server on 127.0.0.1
            return response.read().decode("utf-8")
    except OSError:
        return None


@pytest.fixture
def served(project) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    """Return a project with one paper, the address of its server, and the server's process."""
    root = project({PAPER: MINI_REPORT})
    port = free_port()
    log = root / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(serve_command(root, "--port", str(port)), stdout=out, stderr=subprocess.STDOUT, text=True)
    address = f"http://127.0.0.1:{port}"
    try:
        until(lambda: process.poll() is not None or fetch(f"{address}/status"), "the server to start")
        assert process.poll() is None, log.read_text(encoding="utf-8")
        yield root, address, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Page:
    """One tab of a headless Chromium, open on an address."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser = browser
        self.target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        browser.send("Page.enable", session=self.session)
        browser.send("Page.navigate", {"url": url}, session=self.session)
        browser.wait_for("Page.loadEventFired", self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session)
        return result.get("result", {}).get("value")

    def text(self, selector: str = "body") -> str:
        return self.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText") or ""


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (.ci/run installs it)")
def test_an_open_page_shows_a_saved_change_and_then_the_problems_of_a_broken_save(served):
    root, address, process = served
    browser = Browser(chromium())  # type: ignore[arg-type]
    try:
        page = Page(browser, f"{address}/view/{PAPER}")
        assert "A small report" in page.text("h1")
        page.evaluate("window.beforeTheSave = true")
        source = root / PAPER
        source.write_text(MINI_REPORT.replace("title: A small report", "title: A report saved again"), encoding="utf-8")
        until(lambda: "A report saved again" in page.text("h1"), "the page to show the saved title")
        assert page.evaluate("window.beforeTheSave === undefined")  # a new document, though the test never navigated: the page reloaded itself

        broken = MINI_REPORT.replace("title: A small report", "title: [A report never closed")
        source.write_text(broken, encoding="utf-8")
        with pytest.raises(ContentError) as expected:
            loads(broken, PAPER)
        (problem,) = expected.value.problems
        problems = until(lambda: page.text(".preview-problems"), "the page to show the problem")
        assert str(problem) in problems and str(problem).startswith(f"{PAPER}:{problem.line}:{problem.column}: YAML syntax")
        assert "A report saved again" in page.text("h1")  # the last good version, below the problem
    finally:
        browser.close()


def test_the_index_lists_each_paper_with_its_pdf_and_word_file(served):
    root, address, _ = served
    index = fetch(address + "/")
    assert index is not None and "A small report" in index
    assert 'href="/output/leicester-city/cabinet/mini.pdf"' in index and 'href="/output/leicester-city/cabinet/mini.docx"' in index
    assert fetch(address + "/output/.cache/manifest.json") is None  # the build's memory is not served
    elsewhere = urllib.request.Request(address + "/", headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError):  # a page elsewhere, its name pointed at this computer, reads nothing
        urllib.request.urlopen(elsewhere, timeout=5)  # noqa: S310


def test_ctrl_c_stops_the_server(served):
    _, address, process = served
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0
    assert fetch(address + "/status") is None


def test_a_busy_port_is_a_message(served):
    root, address, _ = served
    port = address.rsplit(":", 1)[1]
    done = subprocess.run(serve_command(root, "--port", port), capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 1
    assert f"error: port {port} on 127.0.0.1 is in use" in done.stderr and "--port" in done.stderr


def test_any_host_but_this_machine_is_refused(project):
    root = project({PAPER: MINI_REPORT})
    done = subprocess.run(serve_command(root, "--host", "0.0.0.0", "--port", str(free_port())), capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 1 and "serve listens on 127.0.0.1 only, got --host 0.0.0.0" in done.stderr
    assert not (root / "output").exists()


def test_the_bar_follows_the_skip_link_and_names_each_problem(tmp_path):
    preview = Preview(Config(tmp_path))
    problem = f"{PAPER}:3:9: title: expected text, got a list"
    preview.problems[PAPER] = [problem]
    page = '<!DOCTYPE html>\n<html><head><title>T</title></head><body><a class="skip-link" href="#content">Skip to content</a><main id="content"><h1>T</h1></main></body></html>'
    shown = with_bar(page, page_bar(preview, PAPER))
    assert shown.index("Skip to content") < shown.index('<div class="preview-bar"') < shown.index("<main")
    assert f"<code>{problem}</code>" in shown and "1 problem: below is the last good version" in shown


def test_a_saved_spreadsheet_rebuilds_every_paper_but_excels_lock_file_does_not(project):
    from committee_papers.commands.watch import affected, relevant

    root = project({PAPER: MINI_REPORT, "content/cabinet/other.yaml": MINI_REPORT, "content/data/kpis.xlsx": b""})
    assert relevant(None, str(root / "content/data/kpis.xlsx")) and relevant(None, str(root / "content/data/kpis.csv"))
    assert not relevant(None, str(root / "content/data/~$kpis.xlsx"))
    assert affected(Config(root), [root / "content/data/kpis.xlsx"]) == sorted((root / "content/cabinet").glob("*.yaml"))
