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


def test_part_catalogues_never_translate_one_message_two_ways():
    """Each part keeps its own .po file; the app merges them, so a message id translated differently in two of them
    would show one part's wording in the other's pages. Use a more specific English id instead."""
    from babel.messages.pofile import read_po

    from hub.i18n import LOCALE_DIR

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in sorted((LOCALE_DIR / "zh_CN" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale="zh_CN"):
                if not message.id:
                    continue
                first = seen.setdefault(message.id, (po.name, message.string))
                if first[1] != message.string:
                    clashes.append(f"{message.id!r}: {first} vs {(po.name, message.string)}")
    assert not clashes, "\n".join(clashes)
