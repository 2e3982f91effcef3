"""Review DOCX files in LibreOffice as a person would, driven over UNO: comments and tracked changes.

Run with a Python that has LibreOffice's `uno` module (the system python3
with python3-uno), not the project's virtual environment:

    python3 tests/uno_reviewer.py plan.json

The plan is a list of documents, each {"source", "target", "actions"}; an
action is {"comment": text, "on": words, "nth": n, "author": name, "date":
"YYYY-MM-DD"} or {"change": words,
"to": new words, "nth": n}. Words are found with LibreOffice's own search,
in the body and in table cells. Each document is saved as Word 2007-365.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _bridge() -> Any:
    """Return LibreOffice's Python bridge: the Debian package python3-uno gives it to the system python3 (it is not on PyPI)."""
    try:
        return importlib.import_module("uno")
    except ImportError:
        sys.exit("uno_reviewer.py needs LibreOffice's Python bridge: run it with the system python3 after apt-get install python3-uno")


uno = _bridge()


def prop(name: str, value: Any) -> Any:
    made = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    made.Name, made.Value = name, value
    return made


def connect(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # noqa: BLE001 - LibreOffice is still starting
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not answer over UNO")


def find(document: Any, words: str, nth: int) -> Any:
    search = document.createSearchDescriptor()
    search.SearchString = words
    search.SearchCaseSensitive = True
    found = document.findAll(search)
    if found.getCount() <= nth:
        raise SystemExit(f"{words!r}: found {found.getCount()} times, wanted occurrence {nth}")
    return found.getByIndex(nth)


def date_of(text: str) -> Any:
    made = uno.createUnoStruct("com.sun.star.util.DateTime")
    made.Year, made.Month, made.Day = (int(p) for p in text.split("-"))
    made.Hours = 9
    return made


def review(desktop: Any, item: dict[str, Any]) -> None:
    document = desktop.loadComponentFromURL(Path(item["source"]).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
    made: list[Any] = []
    try:
        for action in item["actions"]:
            if "comment" in action:
                where = find(document, action["on"], action.get("nth", 0))
                note = document.createInstance("com.sun.star.text.textfield.Annotation")
                note.Author = action.get("author", "Reviewer")
                note.Initials = note.Author[:1]
                note.Content = action["comment"]
                note.DateTimeValue = date_of(action.get("date", "2007-11-01"))
                where.getText().insertTextContent(where, note, True)
                made.append(note)
            else:
                document.RecordChanges = True
                where = find(document, action["change"], action.get("nth", 0))
                where.setString(action["to"])
                document.RecordChanges = False
                made.append(None)
        target = Path(item["target"]).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        document.storeToURL(target.as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
    finally:
        document.close(True)


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text())
    pipe = f"committee_papers_review_{os.getpid()}"
    with tempfile.TemporaryDirectory() as profile:
        office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--invisible", "--norestore",
             "--nologo", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            desktop = connect(pipe)
            for item in plan:
                review(desktop, item)
            try:
                desktop.terminate()
            except Exception:  # noqa: BLE001 - the bridge closes as LibreOffice quits
                pass
            office.wait(timeout=60)
        finally:
            if office.poll() is None:
                office.kill()


if __name__ == "__main__":
    main()
