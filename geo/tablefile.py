"""A file of events read as a table in chunks of rows, whatever its size and kind.

CSV (plain, gzip, or the one CSV in a zip), Excel (.xlsx), Parquet and GeoJSON are read as text
cells, chunk by chunk, each row with the line (CSV), sheet row (Excel), row (Parquet) or
feature (GeoJSON) it starts on. Nothing is read whole except a GeoJSON document. A CSV line
is one of: a row, part of a row (a quoted cell with line breaks), a blank line (only spaces,
separators or quotes), or a line that is not a row of the table (with the reason); the counts
add up to the file's lines.

CSV chunks are parsed by Arrow's CSV reader where the line is a plain one-line record of the
header's width with well-formed quotes (found for all lines at once, from the positions of
quotes, separators and line breaks); the other lines, and the lines of a quoted cell that
spans lines, are read by Python's csv module, record by record, so one bad line costs only
itself. Both give the same cells (tests/test_imported.py compares them).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from queue import Empty, Queue
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from geo.escape import inert
from geo.i18n import N_, Translate, english

CHUNK_BYTES = 8 << 20  # bytes of CSV per chunk (about 27,000 ACLED rows)
BATCH_ROWS = 50_000  # rows per chunk of Excel and Parquet files
MAX_REGION_LINES = 10_000  # a quoted cell longer than this many lines is read line by line
MAX_DEPTH_NOTE = N_("{name}: the JSON is nested too deeply to be a GeoJSON file of events.")
FAST = True  # tests turn the Arrow path off to compare it with Python's reader

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a long cell is a cell, not a broken file


class IngestError(ValueError):
    """The file as a whole cannot be read as a table (the message says why)."""


@dataclass(frozen=True)
class Chunk:
    """Rows of a file as text cells (one string column per header column), the line each row
    starts on, the lines that are not rows (with reasons), and the blank lines met."""

    cells: pa.Table
    lines: np.ndarray
    broken: list[tuple[int, str]]
    blank: int = 0


@dataclass
class TableFile:
    """An open file of rows: its kind, column names, notes on how it is read (more may be
    added while reading, e.g. on bytes that are not UTF-8), and its rows chunk by chunk.
    `done()` is the part of the file read so far (0 to 1)."""

    name: str
    kind: str  # CSV, Excel, Parquet or GeoJSON
    columns: list[str]
    notes: list[str]
    chunks: Iterator[Chunk]
    done: Callable[[], float] = field(default=lambda: 0.0)


Source = bytes | Path | IO[bytes]


def open_table(source: Source, name: str, tr: Translate = english,
               chunk_bytes: int | None = None) -> TableFile:
    """The file's kind, header and notes, with its rows still to read (`chunks`). Raises
    IngestError when the file cannot be a table (empty, binary, a sheet with no rows...)."""
    raw = _binary(source, name, tr)
    size = _size(raw)
    chunk_bytes = chunk_bytes or CHUNK_BYTES

    def done() -> float:
        try:
            return min(1.0, raw.tell() / size) if size else 0.0
        except (OSError, ValueError):
            return 1.0

    head = raw.read(8)
    raw.seek(0)
    stream: Any = raw
    notes: list[str] = []
    if head.startswith(b"\x1f\x8b"):
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
        notes.append(tr("Compressed: gzip."))
        try:
            head = stream.read(8)
            stream.seek(0)
        except (OSError, EOFError) as exc:
            raise IngestError(tr("{name} starts like a gzip file but cannot be unpacked "
                                 "({error}).").format(name=inert(name), error=inert(exc))) from exc
    elif head.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, OSError) as exc:
            if name.lower().endswith(".xlsx"):
                raise IngestError(tr("{name} is not a readable Excel workbook ({error}); save "
                                     "the sheet again as .xlsx, or as CSV (UTF-8).").format(
                    name=inert(name), error=inert(exc))) from exc
            raise IngestError(tr("{name} starts like a zip file but cannot be opened "
                                 "({error}).").format(name=inert(name), error=inert(exc))) from exc
        members = archive.namelist()
        if "[Content_Types].xml" in members and any(m.startswith("xl/") for m in members):
            raw.seek(0)
            return _excel(raw, name, tr, done)
        files = [m for m in members if not m.endswith("/") and not m.startswith("__MACOSX/")
                 and not Path(m).name.startswith(".")]
        if len(files) != 1:
            raise IngestError(tr("{name} is a zip file of {count} files; it should hold one CSV "
                                 "file.").format(name=inert(name), count=len(files)))
        notes.append(tr("Read from {member} in the zip file.").format(member=inert(files[0])))
        stream = archive.open(files[0])
        head = stream.read(8)
        stream = archive.open(files[0])
        name = files[0]
    if name.lower().endswith(".xlsx") and not head.startswith(b"PK\x03\x04"):
        raise IngestError(tr("{name} is not a readable Excel workbook; save the sheet again as "
                             ".xlsx, or as CSV (UTF-8).").format(name=inert(name)))
    if head.startswith(b"PAR1"):
        return _parquet(raw, name, tr, done)
    if not head.strip() and not stream.read(1 << 16).strip():
        raise IngestError(tr("{name} is empty.").format(name=inert(name)))
    stream.seek(0)
    if name.lower().endswith((".xls",)):
        raise IngestError(tr("{name}: old Excel files (.xls) are not read; save the sheet as "
                             ".xlsx or CSV (UTF-8).").format(name=inert(name)))
    blocks = _utf8_blocks(stream, name, notes, tr, chunk_bytes)
    first = next(blocks, b"")
    if name.lower().endswith((".geojson", ".json")) or first.lstrip().startswith(b"{"):
        return _geojson(first, blocks, name, notes, tr, done)
    return _csv(first, blocks, name, notes, tr, done)


def _binary(source: Source, name: str, tr: Translate) -> IO[bytes]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, Path):
        if source.is_dir():
            raise IngestError(tr("{name} is a directory, not a file.").format(name=inert(name)))
        try:
            return source.open("rb")
        except FileNotFoundError as exc:
            raise IngestError(tr("{name}: file not found.").format(name=inert(name))) from exc
        except OSError as exc:
            raise IngestError(tr("{name} cannot be read ({error}).").format(
                name=inert(name), error=inert(exc.strerror or exc))) from exc
    source.seek(0)
    return source


def _size(raw: IO[bytes]) -> int:
    try:
        end = raw.seek(0, io.SEEK_END)
        raw.seek(0)
        return int(end)
    except (OSError, ValueError):
        return 0


def read_ahead(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """The same chunks, the next one read in a thread while the caller checks this one
    (Arrow's parser and numpy release the GIL, so reading and checking overlap)."""
    queue: Queue[tuple[Chunk | None, BaseException | None]] = Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                queue.put((chunk, None))
            queue.put((None, None))
        except BaseException as exc:  # handed to the caller's thread, raised there
            queue.put((None, exc))

    worker = threading.Thread(target=produce, name="read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            chunk, error = queue.get()
            if error is not None:
                raise error
            if chunk is None:
                return
            yield chunk
    finally:
        stop.set()
        while worker.is_alive():  # let a producer blocked on a full queue finish
            try:
                queue.get_nowait()
            except Empty:
                worker.join(0.05)


# ---- text: any of the accepted encodings, as UTF-8 blocks ------------------------------------

def _lines_before(data: bytes, end: int) -> int:
    return data.count(b"\n", 0, end)


def _utf8_blocks(stream: IO[bytes], name: str, notes: list[str], tr: Translate,
                 size: int) -> Iterator[bytes]:
    """The file's text as UTF-8, block by block: UTF-8 (with or without BOM), UTF-16 with a
    BOM, else Windows-1252, else Latin-1. A file that is UTF-8 up to a byte that is not is read
    as Windows-1252 from there, and the note gives the line and byte offset. Bytes that are not
    UTF-8 in a file that says it is (BOM) are replaced and their lines named."""
    first = stream.read(size)
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        decoder = codecs.getincrementaldecoder("utf-16")()
        notes.append(tr("Encoding: {encoding}.").format(encoding="UTF-16"))
        block = first
        try:
            while block:
                yield decoder.decode(block).replace("\r\n", "\n").encode()
                block = stream.read(size)
            yield decoder.decode(b"", final=True).encode()
        except UnicodeDecodeError as exc:
            raise IngestError(tr("{name} starts like UTF-16 text but is not; save it as CSV "
                                 "(UTF-8).").format(name=inert(name))) from exc
        return
    head = first[:4096]
    if head.count(b"\x00") > len(head) / 10:  # UTF-16 text, or a binary file
        raise IngestError(tr("{name} does not look like a table of events: it holds NUL bytes "
                             "(a binary file, or UTF-16 without its byte-order mark?); save it "
                             "as CSV (UTF-8).").format(name=inert(name)))
    bom = first.startswith(b"\xef\xbb\xbf")
    if bom:
        first = first[3:]
    mac = b"\r" in first[:65536] and b"\n" not in first[:65536]  # old Mac line ends
    encoding = "utf-8"
    if not bom:
        try:
            first.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.end < len(first) - 3:  # not just a character cut by the block's end
                encoding = _single_byte(first)
    label = {"utf-8": "UTF-8 with BOM" if bom else "UTF-8", "cp1252": "Windows-1252",
             "latin-1": "Latin-1"}[encoding]
    notes.append(tr("Encoding: {encoding}.").format(encoding=label))
    replaced: list[int] = []
    offset, lines, pending = (3 if bom else 0), 0, b""
    block = first
    while True:
        data = pending + block
        final = not block
        cut = len(data) if final else _utf8_cut(data)
        part, pending = data[:cut], data[cut:]
        if mac:
            part = part.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if encoding == "utf-8":
            try:
                part.decode("utf-8")  # checked; passed on as it is
                if part:
                    yield part
                offset += cut
                lines += part.count(b"\n")
                if final:
                    break
                block = stream.read(size)
                continue
            except UnicodeDecodeError as exc:
                if bom:
                    text = _replacing(part, offset, lines, replaced)
                else:
                    line = lines + _lines_before(part, exc.start) + 1
                    notes.append(tr("Byte {offset} (line {line}) is not UTF-8: the file is read "
                                    "as Windows-1252 from there.").format(
                        offset=f"{offset + exc.start:,}", line=f"{line:,}"))
                    encoding = _single_byte(part[exc.start:])
                    text = part[:exc.start].decode("utf-8") + part[exc.start:].decode(encoding)
        else:
            text = part.decode(encoding)
        if text:
            yield text.encode()
        offset += cut
        lines += part.count(b"\n")
        if final:
            break
        block = stream.read(size)
    if replaced:
        shown = ", ".join(str(n) for n in replaced[:5]) + (" …" if len(replaced) > 5 else "")
        notes.append(tr("Bytes that are not UTF-8 were replaced by \ufffd on line(s) "
                        "{lines}.").format(lines=shown))


def _single_byte(data: bytes) -> str:
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _utf8_cut(data: bytes) -> int:
    """Where to cut `data` so that no UTF-8 character is split (its end, or before the start
    of a character the block cuts)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # a lead byte: complete only if followed by enough bytes
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)


def _replacing(part: bytes, offset: int, lines: int, replaced: list[int]) -> str:
    """UTF-8 text with each bad byte replaced by U+FFFD; the lines of bad bytes are noted."""
    out, pos = [], 0
    while True:
        try:
            out.append(part[pos:].decode("utf-8"))
            return "".join(out)
        except UnicodeDecodeError as exc:
            out.append(part[pos:pos + exc.start].decode("utf-8") + "\ufffd")
            line = lines + _lines_before(part, pos + exc.start) + 1
            if not replaced or replaced[-1] != line:
                replaced.append(line)
            pos += exc.end


# ---- CSV ----------------------------------------------------------------------------------

QUOTE, LF, CR, SPACE, TAB = 34, 10, 13, 32, 9


def separator_of(sample: str) -> str:
    """The separator of a CSV sample: comma, semicolon or tab (Python's sniffer, else the one
    the header has most of)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        return max(",;\t", key=header.count)


def split_line(line: str, sep: str) -> list[str]:
    """One line's fields, read on its own by the tolerant reader."""
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=sep, skipinitialspace=True), [])
    except csv.Error:
        return line.rstrip("\r\n").split(sep)


def _quoting_error(line: str, sep: str) -> str | None:
    """Why one line's quotes are malformed (an unclosed quote, text after a closing quote)."""
    try:
        list(csv.reader([line.rstrip("\r\n")], delimiter=sep, skipinitialspace=True,
                        strict=True))
    except csv.Error as exc:
        return str(exc)
    return None


def column_names(header: list[str], tr: Translate) -> tuple[list[str], list[str]]:
    """Unique column names; a repeated name is kept as 'name (2)' and said in a note."""
    columns: list[str] = []
    notes: list[str] = []
    for position, raw in enumerate(header, start=1):
        base = raw.strip() or f"column {position}"
        column, copy = base, 1
        while column in columns:
            copy += 1
            column = f"{base} ({copy})"
        if copy == 2:
            notes.append(tr("Column {column} appears more than once; the first one is used "
                            "(the others are kept as {column} (2)...).").format(
                column=inert(base)))
        columns.append(column)
    return columns, notes


@dataclass(frozen=True)
class _Lines:
    """Where each line of a UTF-8 buffer starts and ends, and what it holds, for all lines at
    once (numpy on the buffer's bytes)."""

    starts: np.ndarray
    ends: np.ndarray  # position of the line's "\n" (or the buffer's end)
    blank: np.ndarray  # only spaces, tabs, separators and quotes
    odd: np.ndarray  # an odd number of quotes: opens or closes a cell with line breaks
    plain: np.ndarray  # quotes where a CSV writer puts them, no bare CR, no NUL
    nul: np.ndarray


def _scan(buf: bytes, sep: str) -> _Lines:
    arr = np.frombuffer(buf, np.uint8)
    size = len(arr)
    ends = np.flatnonzero(arr == LF)
    if not size or arr[-1] != LF:
        ends = np.append(ends, size)
    starts = np.concatenate([[0], ends[:-1] + 1])
    count = len(ends)
    sep_byte = ord(sep)
    filler = np.ones(256, bool)
    filler[[SPACE, TAB, CR, LF, QUOTE, sep_byte]] = False
    blank = _blank_lines(arr, starts, filler)
    blank |= starts >= size  # an empty last line
    blank &= starts <= ends

    def line_of(positions: np.ndarray) -> np.ndarray:
        return np.searchsorted(ends, positions, side="left")

    quotes = np.flatnonzero(arr == QUOTE)
    before_line = np.searchsorted(quotes, starts)
    per_line = np.diff(np.append(before_line, len(quotes)))
    odd = (per_line & 1) == 1
    plain = np.ones(count, bool)
    if len(quotes):
        q_line = line_of(quotes)
        rank = np.arange(len(quotes)) - before_line[q_line]
        prev = np.where(quotes > 0, arr[np.maximum(quotes - 1, 0)], LF)
        nxt = np.where(quotes + 1 < size, arr[np.minimum(quotes + 1, size - 1)], LF)
        opening = (rank & 1) == 0
        open_ok = (quotes == starts[q_line]) | (prev == sep_byte) | (prev == QUOTE)
        close_ok = (nxt == sep_byte) | (nxt == LF) | (nxt == CR) | (nxt == QUOTE)
        wrong = np.where(opening, ~open_ok, ~close_ok)
        plain[q_line[wrong]] = False
    crs = np.flatnonzero(arr == CR) if buf.find(b"\r") >= 0 else np.zeros(0, np.int64)
    if len(crs):
        nxt_cr = np.where(crs + 1 < size, arr[np.minimum(crs + 1, size - 1)], LF)
        bare = crs[(nxt_cr != LF) | (crs + 1 >= size)]
        bare = bare[bare + 1 < size]  # a CR at the very end of the file ends its last line
        plain[line_of(bare)] = False
    nul = np.zeros(count, bool)
    nuls = np.flatnonzero(arr == 0) if buf.find(b"\0") >= 0 else np.zeros(0, np.int64)
    if len(nuls):
        nul[line_of(nuls)] = True
    plain &= ~odd & ~nul
    return _Lines(starts, ends, blank, odd, plain, nul)


def _blank_lines(arr: np.ndarray, starts: np.ndarray, filler: np.ndarray) -> np.ndarray:
    """Lines with no byte that `filler` marks as text (spaces, separators, quotes only). A line
    whose first byte is text is not blank: only the others are looked at whole."""
    size, count = len(arr), len(starts)
    if not size:
        return np.ones(count, bool)
    maybe = ~filler[arr[np.minimum(starts, size - 1)]]
    if not maybe.any():
        return np.zeros(count, bool)
    if np.count_nonzero(maybe) > count // 4:  # mostly such lines: every byte at once
        return ~np.logical_or.reduceat(filler[arr], starts)
    lengths = np.diff(np.append(starts, size))
    picked = np.repeat(maybe, lengths)
    sub_lengths = lengths[maybe]
    sub_starts = np.concatenate([[0], np.cumsum(sub_lengths)[:-1]])
    blank = np.zeros(count, bool)
    text = filler[arr[picked]]
    found = np.ones(len(sub_starts), bool) if not len(text) else ~np.logical_or.reduceat(
        text, np.minimum(sub_starts, max(len(text) - 1, 0)))
    found &= sub_lengths > 0
    blank[maybe] = found | (sub_lengths == 0)
    return blank


def _field_counts(buf: bytes, lines: _Lines, sep: str) -> np.ndarray:
    """Each line's fields: separators outside quotes, plus one (meaningful where plain)."""
    arr = np.frombuffer(buf, np.uint8)
    quotes = np.flatnonzero(arr == QUOTE)
    before_line = np.searchsorted(quotes, lines.starts)
    seps = np.flatnonzero(arr == ord(sep))
    fields = np.ones(len(lines.ends), np.int64)
    if len(seps):
        s_line = np.searchsorted(lines.ends, seps, side="left")
        outside = ((np.searchsorted(quotes, seps) - before_line[s_line]) & 1) == 0
        fields += np.bincount(s_line[outside], minlength=len(lines.ends))
    return fields


def _csv(first: bytes, blocks: Iterator[bytes], name: str, notes: list[str], tr: Translate,
         done: Callable[[], float]) -> TableFile:
    pending = first
    while len(pending) < 65536 and (more := next(blocks, b"")):  # a sample to sniff
        pending += more
    sep = separator_of(pending[:65536].decode("utf-8", errors="ignore"))
    # the header: the first line with text (and its continuation lines, if a quote opens one)
    while True:
        lines = _scan(pending, sep)
        found = np.flatnonzero(~lines.blank & ~lines.nul)
        complete = False
        if len(found):  # the header's line (and a quoted cell's further lines) all there?
            last, parity = int(found[0]), bool(lines.odd[found[0]])
            while parity and last + 1 < len(lines.ends) and last - found[0] < 50:
                last += 1
                parity ^= bool(lines.odd[last])
            complete = not parity and lines.ends[last] < len(pending)
        if complete or not (more := next(blocks, b"")):
            break
        pending += more
    if not len(found):
        raise IngestError(tr("{name} is empty.").format(name=inert(name)))
    at = int(found[0])
    blank_top = int(np.count_nonzero(lines.blank[:at]) + np.count_nonzero(lines.nul[:at]))
    end, parity = at, bool(lines.odd[at])
    while parity and end + 1 < len(lines.ends) and end - at < 50:
        end += 1
        parity ^= bool(lines.odd[end])
    text = pending[lines.starts[at]:lines.ends[end] + 1].decode()
    header = split_line(text.replace("\n", " ") if end > at else text, sep)
    columns, more_notes = column_names(header, tr)
    if len(columns) < 3:
        raise IngestError(tr("{name} does not look like a table of events (found {count} "
                             "column(s); need at least date, latitude, longitude and "
                             "country).").format(name=inert(name), count=len(columns)))
    names = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab")}
    notes.append(tr("Separator: {separator}.").format(
        separator=tr(names[sep]) if sep in names else repr(sep)))
    notes.extend(more_notes)
    number = end + 2  # the line after the header (lines are numbered from 1)
    header_line = at + 1
    if header_line > 1:
        notes.append(tr("The header is on line {line}.").format(line=header_line))
    if end + 1 < len(lines.ends) and lines.plain[end + 1] and not lines.blank[end + 1]:
        cells = split_line(pending[lines.starts[end + 1]:lines.ends[end + 1]].decode(), sep)
        if all(c.strip().startswith("#") for c in cells if c.strip()):  # HDX's HXL hashtags
            notes.append(tr("Row {row} holds HXL hashtags; it is read as part of the "
                            "header.").format(row=number))
            end, number = end + 1, number + 1
    rest = pending[lines.ends[end] + 1:] if lines.ends[end] < len(pending) else b""
    chunks = _csv_chunks(rest, blocks, number, sep, columns, blank_top, tr)
    return TableFile(name, "CSV", columns, notes, chunks, done)


def _csv_chunks(carry: bytes, blocks: Iterator[bytes], number: int, sep: str,
                columns: list[str], blank_top: int, tr: Translate) -> Iterator[Chunk]:
    """Chunks of whole lines; a quoted cell with line breaks that the block cuts waits for
    the next block."""
    width = len(columns)
    blank_extra = blank_top
    final = False
    while not final:
        block = next(blocks, None)
        final = block is None
        data = carry + (block or b"")
        cut = len(data) if final else data.rfind(b"\n") + 1
        if not cut:
            carry = data
            continue
        buf, carry = data[:cut], data[cut:]
        chunk, used, read = _read_lines(buf, number, sep, columns, width, final, tr)
        if used < len(buf):  # an open quoted cell at the end: read it with what follows
            carry = buf[used:] + carry
        number += read
        if blank_extra:
            chunk = Chunk(chunk.cells, chunk.lines, chunk.broken, chunk.blank + blank_extra)
            blank_extra = 0
        if len(chunk.lines) or chunk.broken or chunk.blank:
            yield chunk


def _read_lines(buf: bytes, number: int, sep: str, columns: list[str], width: int,
                final: bool, tr: Translate) -> tuple[Chunk, int, int]:
    """The rows of `buf`'s lines (the first is line `number`), and how many bytes and lines of
    `buf` were read: fewer when its last lines are an open quoted cell that the next block may
    close."""
    lines = _scan(buf, sep)
    count = len(lines.ends)
    fields: np.ndarray | None = None  # counted only when Arrow finds rows of another width

    def whole(j: int) -> bool:
        """Line j is a row by itself (plain, of the header's width)."""
        if not lines.plain[j] or lines.blank[j]:
            return False
        if fields is not None:
            return bool(fields[j] == width)
        text = buf[lines.starts[j]:lines.ends[j]].decode()
        return len(split_line(text, sep)) == width

    careful = (~lines.plain | lines.odd) & ~lines.blank & ~lines.nul
    region = np.zeros(count, bool)
    used = len(buf)
    regions: list[tuple[int, int]] = []
    k = 0
    for start in np.flatnonzero(careful).tolist():
        if start < k:
            continue
        stop, parity = start + 1, bool(lines.odd[start])
        while parity and stop < count and stop - start < MAX_REGION_LINES and not whole(stop):
            parity ^= bool(lines.odd[stop])
            stop += 1
        if parity and stop >= count and not final and stop - start < MAX_REGION_LINES:
            used = int(lines.starts[start])  # the cell may go on in the next block
            count = start
            break
        regions.append((start, stop))
        region[start:stop] = True
        k = stop
    region = region[:count]
    blank = int(np.count_nonzero(lines.blank[:count] & ~region))
    broken: list[tuple[int, str]] = [
        (number + k, tr("the line holds a NUL byte; it is not read"))
        for k in np.flatnonzero(lines.nul[:count] & ~region).tolist()]
    candidates = lines.plain[:count] & ~lines.blank[:count] & ~region
    fast = np.flatnonzero(candidates)
    table = _arrow_rows(buf, lines, fast, sep, columns) if FAST and len(fast) else None
    if FAST and len(fast) and table is None:  # rows of another width: count every line's
        fields = _field_counts(buf, lines, sep)[:count]
        for k in np.flatnonzero(candidates & (fields > width)).tolist():
            broken.append((number + k, tr("{found} fields where the header has {width}").format(
                found=int(fields[k]), width=width)))
        regions += [(k, k + 1) for k in np.flatnonzero(candidates & (fields < width)).tolist()]
        fast = np.flatnonzero(candidates & (fields == width))
        table = _arrow_rows(buf, lines, fast, sep, columns) if len(fast) else None
    parts: list[pa.Table] = []
    numbers: list[np.ndarray] = []
    if table is None:  # Python reads them (Arrow is off, or reads them differently)
        regions += [(int(k), int(k) + 1) for k in fast]
    else:
        spaced = _spaced(table)
        if spaced is not None:
            regions += [(int(k), int(k) + 1) for k in fast[spaced]]
            table = table.filter(pa.array(~spaced))
            fast = fast[~spaced]
        parts.append(table)
        numbers.append(fast + number)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    for start, stop in sorted(regions):
        text = [buf[lines.starts[j]:lines.ends[j] + 1].decode() for j in range(start, stop)]
        got, lost, empty = _careful(text, number + start, sep, width, tr)
        for line, cells in got:
            rows.append(cells)
            row_numbers.append(line)
        broken.extend(lost)
        blank += empty
    if rows:
        parts.append(pa.table([pa.array([r[i] for r in rows], pa.string())
                               for i in range(width)], names=columns))
        numbers.append(np.array(row_numbers, np.int64))
    cells = pa.concat_tables(parts) if parts else _empty(columns)
    at = np.concatenate(numbers) if numbers else np.zeros(0, np.int64)
    if len(parts) > 1:  # rows in the file's order
        order = np.argsort(at, kind="stable")
        cells, at = cells.take(pa.array(order)), at[order]
    return Chunk(cells, at, sorted(broken), blank), used, count


def _empty(columns: list[str]) -> pa.Table:
    return pa.table([pa.array([], pa.string()) for _ in columns], names=columns)


def _arrow_rows(buf: bytes, lines: _Lines, keep: np.ndarray, sep: str,
                columns: list[str]) -> pa.Table | None:
    """The cells of the lines `keep` (plain one-line records of the header's width), read by
    Arrow; None if Arrow does not read exactly one row per line."""
    lengths = lines.ends - lines.starts + 1
    if len(keep) == len(lines.ends) and lines.ends[-1] < len(buf):
        data = buf
    else:
        arr = np.frombuffer(buf if buf.endswith(b"\n") else buf + b"\n", np.uint8)
        mask = np.zeros(len(lines.ends), bool)
        mask[keep] = True
        data = arr[np.repeat(mask, lengths)].tobytes()
        if not data.endswith(b"\n"):
            data += b"\n"
    longest = int(lengths[keep].max()) if len(keep) else 0
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=columns,
                                            block_size=max(1 << 20, 2 * longest + 2)),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a row of another width, mostly
        return None
    return table if table.num_rows == len(keep) else None


def _spaced(table: pa.Table) -> np.ndarray | None:
    """Rows with a cell starting with a space, which Python's reader (skipinitialspace) reads
    differently: None if there are none."""
    mask = None
    for column in table.columns:
        hits = pa_compute.starts_with(column, " ")
        if pa_compute.any(hits).as_py():
            found = np.asarray(hits.to_numpy(), bool)
            mask = found if mask is None else mask | found
    return mask


def _careful(text: list[str], first: int, sep: str, width: int, tr: Translate
             ) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str]], int]:
    """Rows of a stretch of lines read record by record by Python's reader (first line
    `first`), the lines that are not rows, and the blank lines.

    A record that spans several lines is a quoted cell with line breaks, unless its field count
    is wrong or one of its later lines is a whole row by itself: then a stray quote swallowed
    lines, and each line is read on its own, so one bad line costs only itself."""
    rows: list[tuple[int, list[str]]] = []
    broken: list[tuple[int, str]] = []
    blank = 0
    nul = [k for k, line in enumerate(text) if "\x00" in line]
    for k in nul:
        broken.append((first + k, tr("the line holds a NUL byte; it is not read")))
        text[k] = "\n"
    records: list[tuple[int, int, list[str]]] = []
    reader = csv.reader(text, delimiter=sep, skipinitialspace=True)
    at = 0
    try:
        for fields in reader:
            records.append((at, reader.line_num - 1, fields))
            at = reader.line_num
    except csv.Error:  # e.g. a carriage return outside quotes: the rest line by line
        records.extend((k, k, split_line(text[k], sep)) for k in range(at, len(text)))

    def take(k: int, fields: list[str], line: str | None) -> None:
        error = _quoting_error(line, sep) if line is not None else None
        if error is not None:
            if "new-line character" in error:
                broken.append((first + k, tr("a carriage return (CR) outside quotes breaks "
                                             "this line; the line is not read")))
            else:
                broken.append((first + k, tr("malformed quotes on this line ({error}); the "
                                             "line is not read").format(error=error)))
        elif len(fields) > width:
            broken.append((first + k, tr("{found} fields where the header has {width}").format(
                found=len(fields), width=width)))
        else:
            rows.append((first + k, fields + [""] * (width - len(fields))))

    for start, stop, fields in records:
        span = [k for k in range(start, stop + 1) if text[k].strip() and k not in nul]
        if not any(cell.strip() for cell in fields):
            blank += len([k for k in range(start, stop + 1) if k not in nul])
            continue
        if len(span) == 1:
            take(span[0], fields, text[span[0]])
        elif len(fields) == width and not any(
                len(split_line(text[k], sep)) >= width for k in span[1:]):
            take(start, fields, None)  # a quoted cell with line breaks
        else:
            for k in range(start, stop + 1):
                if k in nul:
                    continue
                one = split_line(text[k], sep)
                if not any(cell.strip() for cell in one):
                    blank += 1
                else:
                    take(k, one, text[k])
    return rows, broken, blank


# ---- Excel, Parquet, GeoJSON --------------------------------------------------------------

def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _excel(raw: IO[bytes], name: str, tr: Translate, done: Callable[[], float]) -> TableFile:
    """The first sheet of an .xlsx workbook (python-calamine); rows are numbered as Excel
    numbers them. HDX's exports carry a row of HXL hashtags under the header: it is skipped."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(raw)
        sheet = book.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise IngestError(tr("{name} is not a readable Excel workbook ({error}); save the "
                             "sheet again as .xlsx, or as CSV (UTF-8).").format(
            name=inert(name), error=inert(exc))) from exc
    notes = [tr("Read as Excel, sheet {sheet}.").format(sheet=inert(sheet.name))]
    if len(book.sheet_names) > 1:
        notes.append(tr("The workbook has {count} sheets; only the first is read.").format(
            count=len(book.sheet_names)))
    start = (sheet.start or (0, 0))[0] + 1  # the sheet's first row in Excel's numbering
    number, blank_top = start, 0
    header: list[str] | None = None
    for row in rows:
        cells = [_cell_text(v).strip() if i == 0 else _cell_text(v) for i, v in enumerate(row)]
        number += 1
        if any(c.strip() for c in cells):
            header = cells
            break
        blank_top += 1
    if header is None:
        raise IngestError(tr("{name}: its first sheet is empty.").format(name=inert(name)))
    while header and not header[-1].strip():
        header.pop()
    columns, more = column_names(header, tr)
    notes.extend(more)
    if len(columns) < 3:
        raise IngestError(tr("{name} does not look like a table of events (found {count} "
                             "column(s); need at least date, latitude, longitude and "
                             "country).").format(name=inert(name), count=len(columns)))

    def chunks() -> Iterator[Chunk]:
        width = len(columns)
        at, blank = number, blank_top
        batch: list[list[str]] = []
        lines: list[int] = []
        broken: list[tuple[int, str]] = []
        for row in rows:
            cells = [_cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                blank += 1
            elif at == number and all(c.startswith("#") for c in cells if c.strip()):
                notes.append(tr("Row {row} holds HXL hashtags; it is read as part of the "
                                "header.").format(row=at))
            elif any(c.strip() for c in cells[width:]):
                filled = max(i for i, c in enumerate(cells) if c.strip()) + 1
                broken.append((at, tr("{found} fields where the header has {width}").format(
                    found=filled, width=width)))
            else:
                batch.append((cells + [""] * width)[:width])
                lines.append(at)
            at += 1
            if len(batch) >= BATCH_ROWS:
                yield _rows_chunk(batch, lines, columns, broken, blank)
                batch, lines, broken, blank = [], [], [], 0
        if batch or broken or blank:
            yield _rows_chunk(batch, lines, columns, broken, blank)

    return TableFile(name, "Excel", columns, notes, chunks(), done)


def _rows_chunk(rows: list[list[str]], lines: list[int], columns: list[str],
                broken: list[tuple[int, str]], blank: int) -> Chunk:
    cells = pa.table([pa.array([r[i] for r in rows], pa.string())
                      for i in range(len(columns))], names=columns)
    return Chunk(cells, np.array(lines, np.int64), broken, blank)


def _parquet(raw: IO[bytes], name: str, tr: Translate, done: Callable[[], float]) -> TableFile:
    """A Parquet file's rows, numbered from 1, every column as text."""
    try:
        parquet = pq.ParquetFile(raw)
    except (pa.ArrowInvalid, OSError) as exc:
        raise IngestError(tr("{name} is not a readable Parquet file ({error}).").format(
            name=inert(name), error=inert(exc))) from exc
    columns, notes = column_names([str(n) for n in parquet.schema_arrow.names], tr)
    if len(columns) < 3:
        raise IngestError(tr("{name} does not look like a table of events (found {count} "
                             "column(s); need at least date, latitude, longitude and "
                             "country).").format(name=inert(name), count=len(columns)))

    def chunks() -> Iterator[Chunk]:
        first = 1
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            cells = [_as_text(column) for column in batch.columns]
            table = pa.table(cells, names=columns)
            yield Chunk(table, np.arange(first, first + batch.num_rows, dtype=np.int64), [])
            first += batch.num_rows

    return TableFile(name, "Parquet", columns,
                     [tr("Read as Parquet ({rows} rows).").format(
                         rows=f"{parquet.metadata.num_rows:,}"), *notes], chunks(), done)


def _as_text(column: pa.Array) -> pa.Array:
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column.cast(pa.string())
    elif pa.types.is_timestamp(kind):
        text = pa_compute.strftime(column, format="%Y-%m-%d %H:%M:%S")
    elif pa.types.is_dictionary(kind):
        return _as_text(column.dictionary_decode())
    elif pa.types.is_nested(kind) or pa.types.is_binary(kind):
        text = pa.array([None if v is None else json.dumps(v, default=str)[:1000]
                         for v in column.to_pylist()], pa.string())
    else:
        text = column.cast(pa.string())
    return pa_compute.fill_null(text, "")


def _geojson(first: bytes, blocks: Iterator[bytes], name: str, notes: list[str],
             tr: Translate, done: Callable[[], float]) -> TableFile:
    """A GeoJSON FeatureCollection of points (read whole: JSON has no lines to stream by),
    one row per feature, numbered from 1; a feature that is not a point is rejected."""
    text = (first + b"".join(blocks)).decode()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(tr("{name} is not valid JSON: {error} (line {line}).").format(
            name=inert(name), error=exc.msg, line=exc.lineno)) from exc
    except RecursionError as exc:
        raise IngestError(tr(MAX_DEPTH_NOTE).format(name=inert(name))) from exc
    del text
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise IngestError(tr("{name} is not a GeoJSON FeatureCollection with features.").format(
            name=inert(name)))
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    broken: list[tuple[int, str]] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            broken.append((number, tr("feature {number} is not a JSON object").format(
                number=number)))
            continue
        props = feature.get("properties")
        if props is not None and not isinstance(props, dict):
            broken.append((number, tr("feature {number}: its properties are not a JSON "
                                      "object").format(number=number)))
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind is not None and kind != "Point":
            broken.append((number, tr("feature {number} is not a point (its geometry is a "
                                      "{kind}); events are points").format(
                number=number, kind=inert(str(kind), 40))))
            continue
        props = dict(props or {})
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if isinstance(coords, list) and len(coords) >= 2:
            for key, value in (("lon", coords[0]), ("lat", coords[1])):
                if props.get(key) in (None, ""):
                    props[key] = value
        rows.append({str(k): _json_text(v) for k, v in props.items()})
        numbers.append(number)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    if not columns:
        first_reason = broken[0][1] if broken else tr("no properties")
        raise IngestError(tr("{name}: no feature could be read ({reason}).").format(
            name=inert(name), reason=first_reason))
    table = [[row.get(c, "") for row in rows] for c in columns]
    chunk = Chunk(pa.table([pa.array(t, pa.string()) for t in table], names=columns),
                  np.array(numbers, np.int64), broken)
    return TableFile(name, "GeoJSON", columns, [*notes, tr("Read as GeoJSON.")], iter([chunk]),
                     done)


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(map(_json_text, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:1000]
    return str(value)
