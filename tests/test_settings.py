"""Settings are declared once; the README's table is generated from that declaration and must match it."""

from pathlib import Path

from hub.settings import Settings, settings_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_setting_with_its_default():
    text = README.read_text(encoding="utf-8")
    for name, default, help_text in settings_table():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"{name} is missing from the README settings table (run `hub settings`)"
        if default:
            assert f"`{default}`" in row, f"{name}: README shows another default"
        assert help_text in row, f"{name}: README help text differs"


def test_every_setting_has_help_text():
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("HUB_PORT", "9090")
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    settings = Settings()
    assert settings.port == 9090 and settings.effective_database_url == "postgresql+asyncpg://u@h/db"
