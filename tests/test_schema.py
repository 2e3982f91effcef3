"""The JSON Schemas in schemas/: current, described, and true to what check accepts as an editor reads YAML."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema
import pytest
import yaml

from committee_papers.commands.schema import render, schema_name, schemas, stale

from .conftest import MINI_REPORT, ROOT

EXAMPLE = ROOT / "content/cabinet/cpa-corporate-assessment-2007.yaml"


class Yaml12(yaml.SafeLoader):
    """Read YAML as yaml-language-server does (YAML 1.2 core schema): `No` is text, `2007-11-10` is text."""


Yaml12.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    Yaml12.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def editor_view(text: str) -> object:
    return yaml.load(text, Loader=Yaml12)  # noqa: S506 - a SafeLoader


def test_the_schemas_in_the_repository_are_current():
    assert stale(ROOT) == [], "run: python build.py schema"


def test_the_schema_command_writes_what_the_models_give(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(tmp_path), "-q", "schema"], check=True)
    assert stale(tmp_path) == []
    assert (tmp_path / "schemas/meeting.schema.json").read_text() == render(schemas()["meeting.schema.json"])


def test_a_changed_model_makes_the_schemas_stale(tmp_path):
    (tmp_path / "schemas").mkdir()
    for name, schema in schemas().items():
        (tmp_path / "schemas" / name).write_text(render({**schema, "title": "old"}))
    assert stale(tmp_path) == sorted(schemas())


@pytest.mark.parametrize("name", sorted(schemas(ROOT)))
def test_every_field_of_a_kind_has_a_title_and_a_description(name):
    schema = schemas(ROOT)[name]
    models = [schema, *schema.get("$defs", {}).values()]
    for model in models:
        assert model.get("description"), model.get("title")
        for name, field in model.get("properties", {}).items():
            described = field.get("description") or "$ref" in field
            assert field.get("title") or "$ref" in field, name
            assert described, f"{model['title']}.{name} needs a docstring"


def test_tags_of_unions_never_reach_the_schema():
    assert "§" not in json.dumps(schemas())


def test_blocks_are_one_of_text_or_a_named_block():
    content = schemas(ROOT)["committee-report.schema.json"]["$defs"]["Section"]["properties"]["content"]["items"]
    assert "string" in content["oneOf"][0]["type"]
    assert {m.get("$ref", "").rsplit("/", 1)[-1] for m in content["oneOf"][1:]} >= {"Paragraph", "TableBlock", "ScoreTableBlock"}


@pytest.mark.parametrize("source", [EXAMPLE.read_text(encoding="utf-8"), MINI_REPORT], ids=["example", "mini"])
def test_papers_that_check_accepts_raise_no_red_underline(source):
    jsonschema.validate(editor_view(source), schemas(ROOT)["committee-report.schema.json"])


def test_the_theme_raises_no_red_underline():
    theme = (ROOT / "templates/leicester-city/theme.yaml").read_text()
    jsonschema.validate(editor_view(theme), schemas()["theme.schema.json"])


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("wards_affected:", "ward_affected:"), ""),
        (("applies: No", "applies: Maybe"), "applies"),
        (("  post: Director of Things", "  - Director of Things"), "report_of"),
        (("score: 4", "score: 0"), "score"),
    ],
)
def test_mistakes_are_underlined(change, where):
    errors = list(jsonschema.Draft202012Validator(schemas(ROOT)["committee-report.schema.json"]).iter_errors(editor_view(MINI_REPORT.replace(*change, 1))))
    assert errors
    assert any(where in "/".join(map(str, e.absolute_path)) or where in str(e.message) for e in errors)


def test_every_example_paper_names_its_schema_on_its_first_line():
    for paper in sorted((ROOT / "content").rglob("*.yaml")):
        fields = editor_view(paper.read_text(encoding="utf-8"))
        relative = "/".join([".."] * len(paper.parent.relative_to(ROOT).parts))
        name = schema_name(ROOT, fields.get("council"), fields["kind"])
        assert paper.read_text(encoding="utf-8").splitlines()[0] == f"# yaml-language-server: $schema={relative}/schemas/{name}"
