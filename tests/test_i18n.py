"""Chinese first: every user-facing string of the code and templates has a simplified-Chinese translation."""

from hub.i18n import Catalogs, extract_ids, missing_translations


def test_chinese_catalogue_translates_every_string():
    missing = missing_translations("zh_CN")
    assert not missing, "untranslated strings (run `make messages`):\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


def test_extraction_finds_strings_of_code_and_templates():
    ids = extract_ids()
    assert "Sign in" in ids and "Some fields are not valid." in ids and "Main leader" in ids


def test_english_is_the_message_id_and_chinese_the_default():
    catalogs = Catalogs()
    assert catalogs.get("zh_CN").gettext("Sign in") == "登录"
    assert catalogs.get("en").gettext("Sign in") == "Sign in"
