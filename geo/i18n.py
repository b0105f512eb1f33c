"""English and French: gettext catalogs (locale/<lang>/LC_MESSAGES/messages.po) read with Babel.

English strings in the code are the message ids. Constants are marked with `N_` (which returns
its argument) so that the extraction test finds them; they are translated where they are shown.
"""

from __future__ import annotations

import gettext
import io
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, get_day_names, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

LANGS = ("en", "fr")
LANG_NAMES = {"en": "English", "fr": "Français"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

Translate = Callable[[str], str]
Plural = Callable[[str, str, int], str]  # gettext's ngettext(singular, plural, count)


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


def name_key(name: object) -> str:
    """A sort key that orders names as a reader expects in English and French: accents and case
    ignored, so 'Égypte' sorts among the E's and 'Côte d'Ivoire' after 'Congo'."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return plain.casefold()


def plural(lang: str) -> Plural:
    """The gettext ngettext function of a language: the form of a message for a count, by the
    catalog's plural rule (French: 0 and 1 take the singular, '0 mort'; English: only 1)."""
    return _catalog(lang if lang in LANGS else "en").ngettext


@cache
def _plural_samples(lang: str) -> dict[str, int]:
    """A count of each CLDR plural category of a language ('one': 1, 'other': 2 in English; French
    adds 'many', a round million), the first found from 0 up."""
    rule = Locale.parse(lang).plural_form
    samples: dict[str, int] = {}
    for n in [*range(200), 10**6]:
        samples.setdefault(rule(n), n)
    return samples


def plural_forms(singular: str, plural: str, lang: str) -> dict[str, str]:
    """A message's forms for the browser, by plural category ('one', 'many', 'other'): the page's
    JavaScript picks one with Intl.PluralRules(lang).select(n), which follows the same CLDR rules
    as Babel. Each form is the catalog's ngettext for a count of that category."""
    lang = lang if lang in LANGS else "en"
    ngettext = _catalog(lang).ngettext
    return {category: ngettext(singular, plural, n)
            for category, n in _plural_samples(lang).items()}


def long_date(day: date, lang: str) -> str:
    """'10 September 2023' / '10 septembre 2023' ('1er août 2023': French writes the first of
    the month as an ordinal)."""
    text = format_date(day, "d MMMM y", locale=lang if lang in LANGS else "en")
    return "1er" + text[1:] if lang == "fr" and day.day == 1 else text


def language_of(tr: Translate) -> str:
    """The language a translate function writes ('en' for `english` or an unknown one): lets a
    builder given only `tr` write its dates in the same language as its words."""
    for lang in LANGS:
        if tr == translator(lang):
            return lang
    return "en"


def date_text(day: date, tr: Translate) -> str:
    """A date in running text, in the language of `tr`: '2 December 2026', '1er août 2023'
    (ISO dates are for data: links, CSV cells, inputs)."""
    return long_date(day, language_of(tr))


def short_date(day: date, lang: str) -> str:
    """'10 Sep 2023' / '10 sept. 2023' ('1er août 2023', as long_date)."""
    text = format_date(day, "d MMM y", locale=lang if lang in LANGS else "en")
    return "1er" + text[1:] if lang == "fr" and day.day == 1 else text


@cache
def month_label(day: date, lang: str) -> str:
    """A month in the page's language: 'Jan 2023', 'janv. 2023' (the slider asks for every
    month on every rerun)."""
    return format_date(day, "MMM y", locale=lang if lang in LANGS else "en")


def number(value: int | float, lang: str) -> str:
    """'49,700' / '49 700' (a narrow no-break space groups thousands in French)."""
    return format_decimal(value, locale=lang if lang in LANGS else "en")


@cache
def vega_locale(lang: str) -> dict[str, object]:
    """The d3 number and time locale of a language, built from Babel's CLDR data, for charts:
    French month names on time axes ('janv. 2023') and French digit grouping on counts."""
    loc = lang if lang in LANGS else "en"

    def names(get: Callable[..., object], width: str, keys: list[int]) -> list[str]:
        table = get(width, locale=loc)
        return [str(table[k]) for k in keys]  # type: ignore[index]

    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # d3 starts weeks on Sunday, Babel numbers Monday 0

    return {
        "number": {"decimal": get_decimal_symbol(loc), "thousands": get_group_symbol(loc),
                   "grouping": [3], "currency": ["", ""]},
        "time": {"dateTime": "%x, %X", "date": "%Y-%m-%d", "time": "%H:%M:%S",
                 "periods": ["AM", "PM"],
                 "days": names(get_day_names, "wide", sunday_first),
                 "shortDays": names(get_day_names, "abbreviated", sunday_first),
                 "months": names(get_month_names, "wide", list(range(1, 13))),
                 "shortMonths": names(get_month_names, "abbreviated", list(range(1, 13)))},
    }
