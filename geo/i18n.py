"""English and French: gettext catalogs (locale/<lang>/LC_MESSAGES/messages.po) read with Babel.

English strings in the code are the message ids. Constants are marked with `N_` (which returns
its argument) so that the extraction test finds them; they are translated where they are shown.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("en", "fr")
LANG_NAMES = {"en": "English", "fr": "Français"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

Translate = Callable[[str], str]


def english(message: str) -> str:
    """The untranslated message: the default translator of the geo/ builders."""
    return message


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a constant for translation; it is translated where it is shown."""
    return message


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translator(lang: str) -> Translate:
    """The gettext function of a language (English: identity)."""
    return _catalog(lang if lang in LANGS else "en").gettext


def long_date(day: date, lang: str) -> str:
    """'10 September 2023' / '10 septembre 2023'."""
    return format_date(day, "d MMMM y", locale=lang if lang in LANGS else "en")


def short_date(day: date, lang: str) -> str:
    """'10 Sep 2023' / '10 sept. 2023'."""
    return format_date(day, "d MMM y", locale=lang if lang in LANGS else "en")
