"""Documentation: every CLI option, setting and output field is in the README."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import fogofwar
from fogofwar.cli import cli
from fogofwar.models import Result
from fogofwar.settings import Settings

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_cli_option_is_documented():
    """Each option of each command appears in the README."""
    for name, command in cli.commands.items():
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in README, f"{name} {opt} is not in README.md"


def test_every_setting_is_documented():
    """Each Settings field appears in the README."""
    for field in dataclasses.fields(Settings):
        assert f"`{field.name}`" in README, field.name


def test_every_output_field_is_documented():
    """Each top-level key of a result row appears in the README."""
    for field in Result.model_fields.values():
        key = field.alias or ""
        assert f"`{key or field}`" in README or any(f"`{k}`" in README for k in (key,))
    for name in Result.model_fields:
        assert f"`{'schema' if name == 'schema_' else name}`" in README, name


def test_public_api_is_pinned():
    """The package exports exactly these names."""
    assert sorted(fogofwar.__all__) == sorted([
        "SCHEMA_VERSION", "Settings", "Result", "Place", "Time", "Actor", "Event", "Claim",
        "FogofwarError", "DocumentError", "InputError", "ErrorCode", "extract_texts", "__version__"])


def test_data_tables_all_carry_a_source_note():
    """Every packaged table says who wrote it and from what."""
    import json

    data = Path(fogofwar.__file__).parent / "data"
    for path in data.glob("*.json"):
        assert "_source" in json.loads(path.read_text()), path.name
