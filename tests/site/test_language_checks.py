"""Small hubs in two languages: what has no translation falls back to the main language, and
`make check` names a translated block that changes more than its words and a theme string a
language's catalogue lacks."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitebuild import ROOT, build_site

ABOUT = "Title: About us\nSlug: about\n\nWho we are.\n"
ABOUT_DE = "Title: Über uns\nSlug: about\nLang: de\n\nWer wir sind.\n"
PRIVACY = "Title: Privacy\nSlug: privacy\n\nWhat we keep.\n"
NEWS = "Title: Roast day\nDate: 2026-11-02 09:00\nSlug: roast-day\n\nWe roast on Tuesdays.\n"
POLL = """\
Title: {title}
Date: 2026-11-02 09:00
Slug: delivery
{lang}
{intro}

```poll
id: delivery-day
question: {question}
options:
{options}
closes: {closes}
```
"""
EN_OPTIONS = "  - {key: monday, label: Monday}\n  - {key: saturday, label: Saturday}"
DE_OPTIONS = "  - {key: monday, label: Montag}\n  - {key: saturday, label: Samstag}"


def write(content: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(tmp: Path, files: dict[str, str], check: bool = False, **settings: object):
    write(tmp / "content", files)
    extra = {"HUB_CHECK_ONLY": True} if check else {}
    return build_site(tmp / "content", tmp / "output", tmp / "cache",
                      ENGAGE_RESULTS=str(tmp / "no-results.json"), **extra, **settings)


def poll(lang: str = "", *, title: str = "Which day?", question: str = "Which day suits you?",
         options: str = EN_OPTIONS, closes: str = "2027-01-31T23:59:00Z") -> str:
    return POLL.format(title=title, lang=f"Lang: {lang}" if lang else "", intro="Tell us.",
                       question=question, options=options, closes=closes)


def test_a_missing_translation_falls_back_to_the_main_language_with_no_error(tmp_path):
    built = build(tmp_path, {"pages/about.md": ABOUT, "pages/about.de.md": ABOUT_DE,
                             "pages/privacy.md": PRIVACY, "news/roast-day.md": NEWS})
    assert built.returncode == 0, built.stdout + built.stderr
    problems = [line for line in built.stderr.splitlines() if ": warning: theme" not in line]
    assert problems == [] or problems[-1].startswith("no problems"), built.stderr
    out = tmp_path / "output"
    german = (out / "de/pages/about.html").read_text(encoding="utf-8")
    assert 'href="/de/pages/about.html">Über uns</a>' in german  # translated: its own page
    assert 'href="/pages/privacy.html">Datenschutz</a>' in german  # not: the English one
    assert not (out / "de/pages/privacy.html").exists()
    assert not (out / "de/news/roast-day.html").exists()
    english = (out / "news/roast-day.html").read_text(encoding="utf-8")
    assert 'href="/de/" hreflang="de"' in english and "data-lang-home" in english
    assert 'rel="alternate" hreflang=' not in english  # no translation, no hreflang
    channel = (out / "de/news/index.html").read_text(encoding="utf-8")  # its channel, empty
    assert '<html lang="de">' in channel and "<h1>Neuigkeiten</h1>" in channel
    assert (out / "de/index.html").is_file()


def test_check_names_a_translated_block_that_changes_more_than_its_words(tmp_path):
    german = poll("de", title="Welcher Tag?", question="Welcher Tag passt dir?",
                  options=DE_OPTIONS.replace("saturday", "samstag"), closes="2027-02-28")
    built = build(tmp_path, {"news/delivery.md": poll(), "news/delivery.de.md": german},
                  check=True)
    assert built.returncode == 1
    errors = [line for line in built.stderr.splitlines() if ": warning: " not in line]
    assert errors == [
        "content/news/delivery.de.md:7: poll 'delivery-day': differs from the block it "
        "translates (content/news/delivery.md:7) in more than its words: closes: "
        "2027-02-28T00:00:00Z here, 2027-01-31T23:59:00Z in the original; option keys: "
        "monday, samstag here, monday, saturday in the original (a translation changes only "
        "the words, and keeps each option's key: {key: monday, label: Montag})",
        "1 problem in 1 file"]
    assert not (tmp_path / "output").exists()


def test_a_translated_block_that_changes_only_its_words_is_one_item(tmp_path):
    german = poll("de", title="Welcher Tag?", question="Welcher Tag passt dir?",
                  options=DE_OPTIONS)
    built = build(tmp_path, {"news/delivery.md": poll(), "news/delivery.de.md": german})
    assert built.returncode == 0, built.stdout + built.stderr
    page = (tmp_path / "output/de/news/delivery.html").read_text(encoding="utf-8")
    assert "Welcher Tag passt dir?" in page and ">Abstimmen</button>" in page
    assert 'value="saturday"' in page and ">Samstag</label>" in page
    assert "31. Januar 2027" in page


def test_the_same_id_outside_a_translation_is_a_duplicate(tmp_path):
    german = poll("de", title="Ganz anders", question="Welcher Tag passt dir?",
                  options=DE_OPTIONS).replace("Slug: delivery", "Slug: other")
    built = build(tmp_path, {"news/delivery.md": poll(), "news/other.de.md": german},
                  check=True)
    assert built.returncode == 1
    assert "content/news/other.de.md:7: poll 'delivery-day': duplicate id, already used at " \
           "content/news/delivery.md:7" in built.stderr


def _theme_copy(tmp: Path) -> Path:
    theme = tmp / "theme"
    shutil.copytree(ROOT / "theme", theme)
    return theme


def test_check_lists_a_theme_string_a_language_has_not_translated(tmp_path):
    theme = _theme_copy(tmp_path)
    base = theme / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace(
        '<a class="skip-link"', '<p class="notice">{{ _("Closed for stocktaking") }}</p>\n'
        '  <a class="skip-link"'), encoding="utf-8")
    po = theme / "translations/de/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgstr "Zum Inhalt springen"', 'msgstr ""'), encoding="utf-8")
    built = build(tmp_path, {"pages/about.md": ABOUT, "pages/about.de.md": ABOUT_DE},
                  check=True, THEME=str(theme))
    assert built.returncode == 0, built.stdout + built.stderr  # warnings do not fail a build
    lines = built.stderr.splitlines()
    shown = "theme/translations/de/LC_MESSAGES/messages.po"
    added = [line for line in lines if "'Closed for stocktaking'" in line]
    assert len(added) == 1 and added[0].startswith(str(base) + ":") and (
        ": warning: theme string 'Closed for stocktaking' has no 'de' translation (not in the "
        "catalogue) in ") in added[0] and added[0].endswith(
            f"{shown} (run make translations, then translate it there)"), added
    emptied = [line for line in lines if "'Skip to content'" in line]
    assert len(emptied) == 1 and "(not translated yet)" in emptied[0], emptied
    assert lines[-1] == "no problems, 2 warnings"


def test_an_untranslated_theme_string_shows_in_english_and_the_build_goes_on(tmp_path):
    theme = _theme_copy(tmp_path)
    po = theme / "translations/de/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgstr "Zum Inhalt springen"', 'msgstr ""'), encoding="utf-8")
    built = build(tmp_path, {"pages/about.md": ABOUT, "pages/about.de.md": ABOUT_DE},
                  THEME=str(theme))
    assert built.returncode == 0, built.stdout + built.stderr
    german = (tmp_path / "output/de/pages/about.html").read_text(encoding="utf-8")
    assert ">Skip to content</a>" in german and ">Datenschutz</a>" in german
