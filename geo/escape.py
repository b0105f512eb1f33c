"""Text from outside (links, uploaded files) made inert for each place it is shown or written.

Three outputs, three rules:
- Markdown (Streamlit's st.warning, st.error, st.success... render it): a value becomes a code
  span on one line, truncated, so `[text](url)`, `![](url)`, `:red[...]` or `$...$` show as
  written and never as a link, an image, a colour or a formula.
- CSV written for spreadsheets: a text cell that starts with = + - @ tab or carriage return is
  prefixed with an apostrophe, so Excel, LibreOffice and Sheets show it instead of running it
  (OWASP's rule for CSV injection). Numbers are left alone.
- Links: only http(s) URLs ever become links.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_WEB_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def inert(value: object, limit: int = 80) -> str:
    """`value` as a one-line Markdown code span of at most `limit` characters."""
    text = _CONTROL.sub(" ", str(value)).strip()
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    if not text:
        return "` `"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def web_site(url: str) -> str:
    """The site a URL is on, as a link's name ('reuters.com'); the URL itself if it has none."""
    return urlparse(url.strip()).netloc.removeprefix("www.") or url


def is_web_url(text: object) -> bool:
    """True for an http(s) URL, the only kind of text that may become a link."""
    return isinstance(text, str) and bool(_WEB_URL.match(text.strip()))


def _cell_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot run as spreadsheet formulas."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_cell_safe)
    out.columns = [_cell_safe(str(c)) for c in out.columns]
    return out


def links_only_for_web_urls(frame: pd.DataFrame, column: str = "source") -> pd.DataFrame:
    """`frame` with `column` holding only http(s) URLs (shown as links); any other text in it
    (an uploaded file's 'Reuters; AFP', a javascript: URL) moves to `<column>_text`, shown as
    plain text."""
    if column not in frame.columns:
        return frame
    web = frame[column].map(is_web_url)
    if web.all():
        return frame
    out = frame.copy()
    values = frame[column].tolist()
    out.insert(list(out.columns).index(column) + 1, f"{column}_text",
               pd.Series([None if w else v for v, w in zip(values, web, strict=True)],
                         index=frame.index, dtype=object))
    out[column] = pd.Series([v if w else None for v, w in zip(values, web, strict=True)],
                            index=frame.index, dtype=object)
    return out
