"""Confidentiality: nothing of an exempt paper reaches a public output or a cache, whatever the clerk did before.

Each case is one cause found by the hostile campaign (issue 16). A marker
string sits in every field of the exempt paper that could travel (body,
report_of, author, reason, notes); the public outputs and the caches are
searched for it in every form a reader could get it back: the bytes, the
text of every PDF page, every PDF stream decompressed, every part of every
DOCX.
"""

from __future__ import annotations

import io
import pickle
import shutil
import zipfile
from pathlib import Path

import pikepdf
from pypdf import PdfReader

from committee_papers.commands.cli import main
from committee_papers.pipeline.build import Config, build
from committee_papers.pipeline.checking import check

from ..conftest import MEETING, MINI_REPORT, ROOT, make_project, without_sources
from ..test_packs import EXEMPT_ITEM
from ..test_statuses import DATA, PARTNERSHIP, leicestershire

MARKER = "ZQX-MARKER-71c9"
MARKED = (
    MINI_REPORT.replace("title: A small report", "title: Disposal of land")
    .replace("This report presents the thing.", f"This report presents the thing {MARKER}-body.")
    .replace("post: Director of Things", f"post: Director of {MARKER}-post")
    .replace("name: Austin Roberts", f"name: Austin {MARKER}-author")
    .replace("a: The report's own note.", f"a: The report's own note {MARKER}-note.")
)
"""The paper before anyone marked it exempt: public, marker and all."""
EXEMPT = MARKED.replace("report_of:", f"exempt:\n  paragraph: 3\n  reason: Terms {MARKER}-reason.\nreport_of:")
PUBLIC_ITEM = "  - title: Disposal of land\n    paper: cabinet/exempt.yaml\n"
PAPER = "content/cabinet/exempt.yaml"
PUBLIC_OUTPUTS = [f"output/leicester-city/cabinet/exempt.{ext}" for ext in ("pdf", "docx", "html")]
CONFIDENTIAL_OUTPUTS = [f"output/confidential/leicester-city/cabinet/exempt.{ext}" for ext in ("pdf", "docx", "html")]
PACK = "output/meetings/cabinet"


def exempt_meeting(project) -> Path:
    return project({"content/cabinet/mini.yaml": MINI_REPORT, PAPER: EXEMPT, "content/meetings/cabinet.yaml": MEETING + EXEMPT_ITEM})


def readings(path: Path) -> list[bytes]:
    """Return every form a reader could get a file's content in: its bytes, and a PDF's text and streams or a DOCX's parts."""
    data = path.read_bytes()
    found = [data]
    if data.startswith(b"%PDF"):
        found += [page.extract_text().encode("utf-8") for page in PdfReader(io.BytesIO(data)).pages]
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        found.append(obj.read_bytes())
                    except pikepdf.PdfError:  # a stream in a filter pikepdf cannot undo (images): its raw bytes are in data
                        pass
                elif isinstance(obj, pikepdf.String):
                    found.append(str(obj).encode("utf-8"))
            found += [str(value).encode("utf-8") for value in pdf.docinfo.values()]
    elif data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found += [archive.read(name) for name in archive.namelist()]
    return found


def public_and_cached(root: Path) -> list[Path]:
    """Return every file outside output/confidential/ that a build wrote: public outputs and caches."""
    confidential = root / "output/confidential"
    files = [p for p in (root / "output").rglob("*") if p.is_file() and not p.is_relative_to(confidential)]
    return files + [p for p in (root / ".cache").rglob("*") if p.is_file()]


def leaks(root: Path) -> list[str]:
    """Return each public output or cache file holding the marker in any form, with the form."""
    marker = MARKER.encode()
    forms = (marker, MARKER.encode("utf-16-be"), MARKER.encode("utf-16-le"))
    return [
        f"{path.relative_to(root)} (reading {i})"
        for path in public_and_cached(root)
        for i, reading in enumerate(readings(path))
        if any(form in reading for form in forms)
    ]


def test_no_byte_of_an_exempt_paper_is_in_any_public_output_or_cache(project):
    root = exempt_meeting(project)
    report = build(Config(root))
    assert report.ok, report.failed
    assert len(public_and_cached(root)) > 10  # the search covers the packs, the papers and the caches
    assert leaks(root) == []
    confidential = b"".join(readings(root / "output/confidential/meetings/cabinet/confidential-pack.pdf"))
    assert f"{MARKER}-body".encode() in confidential  # the marker is findable where it belongs


def test_the_public_agenda_does_not_say_whose_report_an_exempt_item_is(project):
    root = exempt_meeting(project)
    build(Config(root))
    agenda = without_sources((root / PACK / "agenda.html").read_text())
    assert "Report of the Director of Things" in agenda  # the public item's line stays
    assert "Report of the Director of" + " " + MARKER not in agenda and MARKER not in agenda
    assert "Disposal of land" in agenda and "paragraph 3 of Part 1 of Schedule 12A" in agenda  # what the meeting file states


def test_the_confidential_pack_is_never_in_a_published_folder(project):
    root = exempt_meeting(project)
    build(Config(root))
    assert sorted(p.name for p in (root / PACK).iterdir()) == ["agenda.docx", "agenda.html", "agenda.pdf", "index.html", "public-pack.pdf"]
    assert (root / "output/confidential/meetings/cabinet/confidential-pack.pdf").is_file()


def test_no_cache_or_manifest_is_in_output_and_none_is_a_pickle(project):
    root = exempt_meeting(project)
    build(Config(root))
    assert [p for p in (root / "output").rglob("*") if p.suffix in {".json", ".pickle"} or p.name == ".cache"] == []
    caches = sorted(p.relative_to(root).as_posix() for p in (root / ".cache").rglob("*") if p.is_file())
    assert {".cache/manifest.json", ".cache/snapshot.json"} <= set(caches)
    assert all(p.endswith((".json", ".pdf")) for p in caches), caches


def test_making_a_paper_exempt_removes_its_public_outputs(project, capsys):
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, PAPER: MARKED, "content/meetings/cabinet.yaml": MEETING + PUBLIC_ITEM})
    assert main(["--root", str(root), "--jobs", "1"]) == 0
    assert all((root / name).is_file() for name in PUBLIC_OUTPUTS)
    (root / PAPER).write_text(EXEMPT)
    (root / "content/meetings/cabinet.yaml").write_text(MEETING + EXEMPT_ITEM)
    capsys.readouterr()
    assert main(["--root", str(root), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert [name for name in PUBLIC_OUTPUTS if (root / name).exists()] == []
    assert all((root / name).is_file() for name in CONFIDENTIAL_OUTPUTS)
    for name in PUBLIC_OUTPUTS:
        assert f"removed {name}: no source makes it any more" in out
    assert "3 old outputs removed" in out.splitlines()[-1]
    assert leaks(root) == []


def test_an_exempt_item_whose_paper_is_not_exempt_fails_the_paper_and_withdraws_it(project):
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, PAPER: MARKED, "content/meetings/cabinet.yaml": MEETING + PUBLIC_ITEM})
    assert build(Config(root)).ok
    (root / "content/meetings/cabinet.yaml").write_text(MEETING + EXEMPT_ITEM)  # the clerk takes the item in private; the paper says nothing yet
    report = build(Config(root))
    assert PAPER not in report.built
    line = (MEETING + EXEMPT_ITEM).splitlines().index("      paragraph: 3") + 1  # the item's exemption
    assert report.failed[PAPER] == [
        f"{PAPER}: not built, so that nothing of it is published, while content/meetings/cabinet.yaml:{line} disagrees with it about whether it is exempt"
    ]
    assert "items[2].exempt: the item is exempt but its paper cabinet/exempt.yaml is not" in report.failed["content/meetings/cabinet.yaml"][0]
    assert [name for name in PUBLIC_OUTPUTS if (root / name).exists()] == []
    assert f"removed {PUBLIC_OUTPUTS[0]}: withdrawn: it shows a paper that is, or that a meeting says is, exempt" in report.notices
    assert leaks(root) == []


def test_an_exempt_paper_on_an_item_not_marked_exempt_fails_and_its_old_public_pack_goes(project):
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, PAPER: MARKED, "content/meetings/cabinet.yaml": MEETING + PUBLIC_ITEM})
    assert build(Config(root)).ok
    assert MARKER.encode() in b"".join(readings(root / PACK / "public-pack.pdf"))  # it was public, and bound in the public pack
    (root / PAPER).write_text(EXEMPT)  # the officer marks the paper exempt; the clerk has not yet marked the item
    report = build(Config(root))
    assert "items[2].paper: the paper cabinet/exempt.yaml is exempt (paragraph 3), so the item must be too" in report.failed["content/meetings/cabinet.yaml"][0]
    assert PAPER in report.failed
    assert not (root / PACK).exists()  # the old public pack bound the paper while it was public
    assert [name for name in PUBLIC_OUTPUTS + CONFIDENTIAL_OUTPUTS if (root / name).exists()] == []
    assert leaks(root) == []


def test_an_old_cache_in_output_is_removed_and_never_unpickled(project, tmp_path):
    root = exempt_meeting(project)
    witness = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (witness,))

    old = root / "output/.cache"
    old.mkdir(parents=True)
    (old / "checked.pickle").write_bytes(pickle.dumps(Payload()))
    report = build(Config(root))
    assert report.ok, report.failed
    assert not witness.exists()
    assert not old.exists()
    assert "removed output/.cache/: the build's caches live in .cache/, outside what is published" in report.notices


def test_a_copied_project_does_not_trust_the_originals_figures(project, tmp_path):
    original = leicestershire(project)
    assert build(Config(original)).ok
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    data = copy / DATA[1]
    data.write_text(data.read_text().replace("outcomes: {Green: 28, Amber: 3, Red: 2, N/A: 0}", "outcomes: {Green: 57, Amber: 3, Red: 2, N/A: 0}", 1))
    report = build(Config(copy))
    assert PARTNERSHIP in report.built
    page = (copy / "output/leicestershire" / Path(PARTNERSHIP).relative_to("content").with_suffix(".html")).read_text()
    before = (original / "output/leicestershire" / Path(PARTNERSHIP).relative_to("content").with_suffix(".html")).read_text()
    assert "Children and Young People: outcomes Green 57" in page  # the chart's alt text, from the copy's own data
    assert "Children and Young People: outcomes Green 28" in before


def test_a_meeting_linked_from_outside_the_project_is_refused_by_name(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(MEETING.replace("Cabinet", f"Cabinet {MARKER}"))
    root = make_project(tmp_path / "project", {"content/cabinet/mini.yaml": MINI_REPORT})
    (root / "content/meetings").mkdir()
    (root / "content/meetings/secret.yaml").symlink_to(outside / "secret.yaml")
    report = check(Config(root)).report
    assert report.failed["content/meetings/secret.yaml"] == [
        f"content/meetings/secret.yaml: leads outside the project (to {outside / 'secret.yaml'}); nothing outside the project is read: copy the file in, or delete the link"
    ]
    assert build(Config(root)).failed.keys() == {"content/meetings/secret.yaml"}
    assert not (root / "output/meetings/secret").exists() and leaks(root) == []


def test_a_paper_and_a_folder_linked_from_outside_are_refused_by_name(project, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    (outside / "more").mkdir(parents=True)
    (outside / "paper.yaml").write_text(MINI_REPORT)
    root = make_project(tmp_path / "project", {"content/cabinet/mini.yaml": MINI_REPORT})
    (root / "content/cabinet/linked.yaml").symlink_to(outside / "paper.yaml")
    (root / "content/more").symlink_to(outside / "more")
    assert main(["--root", str(root), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "content/cabinet/linked.yaml: leads outside the project" in err
    assert "content/more: leads outside the project" in err
    assert "Traceback" not in err
    assert (root / "output/leicester-city/cabinet/mini.pdf").is_file()  # the other papers still build


def test_a_template_linked_from_outside_fails_its_councils_papers_by_name(project, tmp_path):
    outside = tmp_path / "elsewhere.html.j2"
    outside.write_text("{{ paper.title }}")
    root = make_project(tmp_path / "project", {"content/cabinet/mini.yaml": MINI_REPORT})
    (root / "templates/leicester-city/blocks").mkdir(exist_ok=True)
    (root / "templates/leicester-city/blocks/recommendations.html.j2").symlink_to(outside)
    report = build(Config(root))
    assert "templates/leicester-city/blocks/recommendations.html.j2: leads outside the project" in report.failed["content/cabinet/mini.yaml"][0]
    assert not (root / "output/leicester-city").exists()


def test_a_data_file_linked_from_outside_is_refused_by_name_and_not_read(project, tmp_path_factory):
    root = leicestershire(project)
    outside = tmp_path_factory.mktemp("elsewhere") / "q3.yaml"
    data = root / DATA[1]
    outside.write_text(data.read_text().replace("Green: 28", "Green: 57", 1))
    data.unlink()
    data.symlink_to(outside)
    report = build(Config(root))
    assert report.failed[DATA[1]] == [
        f"{DATA[1]}: leads outside the project (to {outside}); nothing outside the project is read: copy the file in, or delete the link"
    ]
    assert "expected a data file inside content/" in report.failed[PARTNERSHIP][0]
    assert not (root / "output/leicestershire" / Path(PARTNERSHIP).relative_to("content").with_suffix(".html")).exists()


def test_a_kind_file_linked_from_outside_is_refused_by_name_and_not_read(tmp_path):
    source = ROOT / "content/examples/halton-business-planning-2013-16.yaml"
    kind = ROOT / "templates/halton/kinds/covering-report.yaml"
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(kind.read_text(encoding="utf-8").replace("\n", f"\n# {MARKER}\n", 1), encoding="utf-8")
    root = make_project(tmp_path / "project", {"content/examples/halton.yaml": source.read_text(encoding="utf-8")})
    linked = root / "templates/halton/kinds/covering-report.yaml"
    linked.unlink()
    linked.symlink_to(outside)
    report = check(Config(root))
    messages = "\n".join(m for ms in report.report.failed.values() for m in ms)
    assert "templates/halton/kinds/covering-report.yaml:1:1: leads outside the project" in messages
    assert not (root / "output").exists()


def test_a_paper_made_exempt_withdraws_the_public_pack_of_a_meeting_that_no_longer_loads(project):
    root = project({"content/cabinet/mini.yaml": MINI_REPORT, PAPER: MARKED, "content/meetings/cabinet.yaml": MEETING + PUBLIC_ITEM})
    assert build(Config(root)).ok
    assert (root / PACK / "public-pack.pdf").is_file()
    (root / PAPER).write_text(EXEMPT)
    (root / "content/meetings/cabinet.yaml").write_text(MEETING + PUBLIC_ITEM + "  - [a list where an item goes\n")
    report = build(Config(root))
    assert "content/meetings/cabinet.yaml" in report.failed
    assert not (root / PACK / "public-pack.pdf").exists() and not (root / PACK / "agenda.pdf").exists()
    assert any("withdrawn" in notice and "public-pack.pdf" in notice for notice in report.notices)
    assert leaks(root) == []
