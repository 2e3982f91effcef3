"""JSON Schemas of every kind of paper and data file, of meetings and of themes, for editors that read YAML.

The schemas describe the YAML an officer types as an editor reads it (YAML
1.2, as yaml-language-server does), which is not quite what the models
receive: our loader keeps every scalar as text, so a text field written
`agenda_item: 7` is fine here though the editor reads a number, and a yes/no
field is written `Yes` or `No`. The schema says so, so an editor never
underlines what `check` accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ..models import DATA_KINDS
from ..models.common import field_notes

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FOLDER = "schemas"

# Examples of a value of each type, where the model gives none; `new` offers the same.
DATE_EXAMPLE = "2007-11-10"
BOOL_EXAMPLE = "No"
TEXT_TYPES = ["string", "number", "boolean"]


class _OfficersYaml(GenerateJsonSchema):
    """Generate schemas for YAML as an officer's editor reads it."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return True  # a title on every field, those holding a mapping too, for the editor's hover

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return {"enum": ["Yes", "No", True, False], "examples": ["Yes", "No"]}

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        json_schema = super().str_schema(schema)
        if "pattern" not in json_schema:
            json_schema["type"] = TEXT_TYPES  # a number or true typed in a text field is read as its text
        return json_schema

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {"type": "string", "format": "date", "examples": [DATE_EXAMPLE]}

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        model = schema["cls"]
        properties = json_schema.get("properties", {})
        for name, field in properties.items():
            note = None if model.model_fields[name].description is not None else field_notes(model).get(name)
            if note is not None:  # the field's own docstring beats its type's description, and comes before its title
                title = field.pop("title", None) if "description" not in field else None
                field["description"] = note
                if title is not None:
                    field["title"] = title
                properties[name] = self.handle_ref_overrides(field)  # no note beside a $ref that says what the ref says
        return json_schema


def schema_of(model: type[BaseModel], title: str) -> dict[str, Any]:
    """Return the JSON Schema of a model, titled and described for an editor's hover help."""
    generated = model.model_json_schema(schema_generator=_OfficersYaml)
    _rows_from_spreadsheets(generated)
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in generated.items() if k != "title"}}


def _rows_from_spreadsheets(schema: Any) -> None:
    """Let every mapping with `rows:` name a spreadsheet instead (`rows_from:`), as the loading step before validation allows."""
    from ..sources.spreadsheets import DECLARATION, EXAMPLE

    if isinstance(schema, list):
        for item in schema:
            _rows_from_spreadsheets(item)
    if not isinstance(schema, dict):
        return
    for value in schema.values():
        _rows_from_spreadsheets(value)
    properties = schema.get("properties")
    if isinstance(properties, dict) and "rows" in properties and DECLARATION not in properties:
        properties[DECLARATION] = {
            "title": "Rows From",
            "type": "string",
            "description": f"Instead of rows: {EXAMPLE}. The first row of the range gives the headings.",
            "examples": ["data/kpis-q3.xlsx#Sheet1!A1:G40"],
        }
        if "rows" in schema.get("required", []):
            schema["required"] = [name for name in schema["required"] if name != "rows"]
            schema["oneOf"] = [{"required": ["rows"]}, {"required": [DECLARATION]}]


def schemas(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Return every schema by file name: one per kind of paper and of data file, the meeting's, the theme's and the kind file's.

    With a project root, each kind its templates declare has one too: the
    default ones as <kind>.schema.json, a council's as <council>/<kind>.schema.json,
    so an editor completes that council's own fields.
    """
    from ..models.kinds import Kind
    from ..models.meeting import Meeting
    from ..models.theme import Theme

    kinds: dict[str, type[BaseModel]] = {"meeting": Meeting, **DATA_KINDS, "theme": Theme, "kind": Kind}
    found = {f"{kind}.schema.json": schema_of(model, kind) for kind, model in sorted(kinds.items())}
    if root is not None:
        found.update(declared_schemas(root))
    return found


def declared_schemas(root: Path) -> dict[str, dict[str, Any]]:
    """Return the schema of each kind declared in a kind file under root/templates, by file name."""
    from ..models.kinds import declared_kinds, kind_files
    from ..sources.errors import ContentError

    templates = root / "templates"
    found: dict[str, dict[str, Any]] = {}
    councils = sorted(p.parent.parent.name for p in templates.glob("*/kinds/*.yaml"))
    for council in dict.fromkeys(councils):
        declared = declared_kinds(templates, council, root)
        for kind, path in kind_files(templates, council).items():
            model = declared[kind]
            if isinstance(model, ContentError):
                raise model
            owner = path.parent.parent.name
            name = f"{kind}.schema.json" if owner == "default" else f"{owner}/{kind}.schema.json"
            found[name] = schema_of(model, f"{kind} ({owner})" if owner != "default" else kind)
            _name_standard_tables(found[name], list(model.declaration.tables))
    return dict(sorted(found.items()))


def _name_standard_tables(schema: dict[str, Any], names: list[str]) -> None:
    """Offer the kind's standard tables by name where a table's columns may name one; none where it declares none."""
    columns = schema.get("$defs", {}).get("Table", {}).get("properties", {}).get("columns")
    if columns is None:
        return
    by_name = [member for member in columns["oneOf"] if member.get("type") == "string"]
    for member in by_name:
        member.pop("pattern", None)
        member["enum"] = names
    if not names:
        columns["oneOf"] = [member for member in columns["oneOf"] if member not in by_name]


def render(schema: dict[str, Any]) -> str:
    """Return a schema as the text written to the repository."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def stale(root: Path) -> list[str]:
    """Return the schema files in root/schemas that are missing or differ from the models."""
    folder = root / FOLDER
    expected = {name: render(s) for name, s in schemas(root).items()}
    wrong = [n for n, text in expected.items() if not (folder / n).is_file() or (folder / n).read_text(encoding="utf-8") != text]
    extra = [n for n in _written(folder) if n not in expected]
    return sorted(wrong + extra)


def write(root: Path) -> list[Path]:
    """Write every schema into root/schemas, removing schemas of kinds that are gone; return what was written."""
    from ..outputs.output import write_atomic

    folder = root / FOLDER
    expected = schemas(root)
    for old in _written(folder):
        if old not in expected:
            (folder / old).unlink()
    written = []
    for name, schema in expected.items():
        write_atomic(folder / name, render(schema).encode("utf-8"))
        written.append(folder / name)
    return written


def _written(folder: Path) -> list[str]:
    """Return the schema files in a folder (and its councils' folders), by name relative to it."""
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*.schema.json")] if folder.is_dir() else []


def schema_name(root: Path, council: Any, kind: str) -> str:
    """Return the file name of the schema of a council's kind: its own declaration's, or the default one."""
    from ..models.kinds import kind_files

    path = kind_files(root / "templates", council).get(kind)
    owner = path.parent.parent.name if path else "default"
    return f"{kind}.schema.json" if owner == "default" else f"{owner}/{kind}.schema.json"


def comment(paper: Path, root: Path, kind: str, council: Any = None) -> str:
    """Return the first line of a paper (or meeting, or data file) that tells an editor where its schema is."""
    target = (root / FOLDER / schema_name(root, council, kind)).resolve()
    relative = Path(*[".."] * len(paper.resolve().parent.relative_to(root.resolve()).parts), target.relative_to(root.resolve()))
    return f"# yaml-language-server: $schema={relative.as_posix()}"
