"""The store: imported event sets and saved views kept in a database, shared by every server.

An embedded SQLite file by default (`COUPBELT_DB`, or `var/coupbelt.sqlite` beside the code,
outside the tracked files, created on first use); PostgreSQL with PostGIS when
`COUPBELT_DB=postgresql://...`, where each event's point is also a geometry(Point, 4326).
The schema is made and upgraded by Alembic (geo/migrations) when the store is opened.

Every kept set and saved view has an owner and a visibility (geo.access: private, team, link);
each call names the viewer, and what the viewer may not see is answered as if it did not exist.
Deleting puts an item in the bin for BIN_DAYS (its owner may restore it), then it is purged.
What was kept, shared, renamed, deleted, restored or purged, by whom and when, is in the log.

An event set's rows (its events and its rejected rows) are kept as Parquet, in parts of at
most PART_BYTES, in the database itself (set_parts): every server sharing the database shares
the sets, a keep is one transaction, and a set takes about its Parquet size. Every column of
the import survives with its type, without a migration. Sets kept before this (storage
"rows": typed columns plus one JSON object per row) are still read. Values are always bound
parameters.

    python -m geo.store [--db URL] upgrade|sets|views|log|purge [--user EMAIL]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import secrets
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from geo.access import DEFAULT_VISIBILITY, LOCAL, PERSONAL, VISIBILITIES, Viewer, allowed
from geo.ingest import IngestReport

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "var" / "coupbelt.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MAX_ROWS = 20_000_000  # loaded + rejected rows of one kept set
PART_BYTES = 32 * 1024 * 1024  # a set's Parquet is stored in parts of at most this size
MAX_NAME = 120
MAX_QUERY = 4000  # characters of a saved view's link query
ID_BYTES = 18  # secrets.token_urlsafe: 144 random bits, 24 characters
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
CONNECT_TIMEOUT_S = 5
INSERT_CHUNK = 5000
LOAD_CHUNK = 20_000
BIN_DAYS = 30  # a deleted set or view can be restored by its owner this long, then is purged
LOG = logging.getLogger(__name__)

# The columns of a loaded events frame stored in typed columns; any other column goes to `extra`.
EVENT_TEXT = ("id", "iso3", "place", "category", "title", "summary", "sources")
EVENT_COLUMNS = ("id", "date", "lat", "lon", *EVENT_TEXT[1:], "row")
REJECTED_COLUMNS = ("row", "reasons")

metadata = sa.MetaData()


def _ownership() -> tuple[sa.Column[Any], ...]:
    """Who kept it, who may see it, and when it went to the bin (migration 0002)."""
    return (sa.Column("owner", sa.Text, nullable=False, server_default=LOCAL),
            sa.Column("visibility", sa.Text, nullable=False, server_default=DEFAULT_VISIBILITY),
            sa.Column("deleted_at", sa.DateTime(timezone=True)),
            sa.Column("deleted_by", sa.Text))


event_sets = sa.Table(
    "event_sets", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("loaded", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("notes", sa.JSON, nullable=False),
    sa.Column("ambiguous_dates", sa.Boolean, nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),  # [[name, dtype], ...] of the events frame
    sa.Column("rejected_columns", sa.JSON, nullable=False),
    *_ownership(),
    sa.Column("storage", sa.Text, nullable=False, server_default="rows"),  # rows | parquet
)
set_events = sa.Table(
    "set_events", metadata,
    sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("id", sa.Text),
    sa.Column("date", sa.Date),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    *(sa.Column(name, sa.Text) for name in EVENT_TEXT if name != "id"),
    sa.Column("row", sa.Integer),
    sa.Column("extra", sa.JSON(none_as_null=True)),
    # PostgreSQL also has geom geometry(Point, 4326), set from lat/lon (see the migration).
)
set_rejected = sa.Table(
    "set_rejected", metadata,
    sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("row", sa.Integer),
    sa.Column("reasons", sa.Text),
    sa.Column("extra", sa.JSON(none_as_null=True)),
)
set_parts = sa.Table(
    "set_parts", metadata,
    sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # events | rejected
    sa.Column("part", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
saved_views = sa.Table(
    "saved_views", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    *_ownership(),
)
store_log = sa.Table(
    "store_log", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("item_id", sa.String(64), nullable=False),
    sa.Column("item_owner", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)
KINDS = {"set": event_sets, "view": saved_views}


class StoreError(RuntimeError):
    """The store cannot do what was asked. `kind` names the condition for a translated message:
    unreachable, read_only, migration, too_large, bad_name, bad_query, forbidden, failed."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class KeptSet:
    """What the list of kept sets shows about one set (its rows are loaded with load_set)."""

    id: str
    name: str
    file_name: str
    size_bytes: int
    format: str
    created_at: datetime
    loaded: int
    rejected: int
    owner: str = LOCAL
    visibility: str = DEFAULT_VISIBILITY
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class SavedView:
    id: str
    name: str
    query: str
    created_at: datetime
    owner: str = LOCAL
    visibility: str = DEFAULT_VISIBILITY
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class LogEntry:
    """One line of the store's log: who did what to which set or view, and when."""

    at: datetime
    actor: str
    action: str  # kept, shared, renamed, deleted, restored, purged, pulled
    kind: str  # set | view
    item_id: str
    item_owner: str
    name: str
    detail: str


def new_id() -> str:
    """An unguessable identifier (144 random bits, URL-safe)."""
    return secrets.token_urlsafe(ID_BYTES)


def is_id(text: object) -> bool:
    """True for text shaped like a store identifier (checked before any query)."""
    return isinstance(text, str) and bool(ID_PATTERN.match(text))


def database_url(setting: str | None = None) -> URL:
    """The SQLAlchemy URL for `setting` (default: the COUPBELT_DB environment variable): a
    postgresql:// URL (driven by psycopg 3), any other SQLAlchemy URL, or a SQLite file path."""
    text = (setting if setting is not None else os.environ.get("COUPBELT_DB", "")).strip()
    if not text:
        return URL.create("sqlite", database=str(DEFAULT_PATH))
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        url = make_url(text)
    except sa.exc.ArgumentError as exc:
        raise StoreError("unreachable", f"COUPBELT_DB is not a database URL: {exc}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def where(url: URL) -> str:
    """The database named for a message: host and database, or the SQLite file; no password."""
    if url.get_backend_name() == "sqlite":
        return Path(url.database or "").name or "SQLite"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _sqlite_file(url: URL) -> None:
    """Create the folder of a SQLite file; refuse a file or folder this process cannot write."""
    if not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError("read_only", f"cannot create the folder of {path.name}: {exc.strerror}"
                         ) from exc
    # A file nobody may write is read-only, even for root (who may write it anyway).
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise StoreError("read_only", f"the store file {path.name} is read-only")
    if not os.access(path.parent, os.W_OK):
        raise StoreError("read_only", f"the folder of the store file {path.name} is read-only")


def _typed(frame: pd.DataFrame, typed: Sequence[str]) -> list[str]:
    """The typed columns this frame can fill: a date column of times, numbers for lat/lon/row
    (a column of another kind is kept in `extra` like any unknown column)."""
    def fits(name: str) -> bool:
        column = frame[name]
        if name == "date":
            return pd.api.types.is_datetime64_any_dtype(column)
        if name in ("lat", "lon"):
            return pd.api.types.is_float_dtype(column) or pd.api.types.is_integer_dtype(column)
        if name == "row":
            return pd.api.types.is_integer_dtype(column)
        return pd.api.types.is_string_dtype(column) or column.dtype == object
    return [c for c in typed if c in frame.columns and fits(c)]


def _layout(frame: pd.DataFrame, typed: Sequence[str]) -> list[list[str]]:
    """The frame's columns in order: [name, dtype, "typed" or "extra"] (kept beside the set)."""
    used = set(_typed(frame, typed))
    return [[str(c), str(t), "typed" if c in used else "extra"] for c, t in frame.dtypes.items()]


def _chunk(rows: Sequence[Any], layout: list[list[str]]) -> pd.DataFrame:
    """Some rows read back as a frame of the stored columns, in order (dtypes not yet cast)."""
    typed = [name for name, _, where in layout if where == "typed"]
    data: dict[str, list[Any]] = {c: [] for c in typed}
    extras: list[dict[str, Any]] = []
    for row in rows:
        mapping = row._mapping
        for c in typed:
            data[c].append(mapping[c])
        extras.append(mapping["extra"] or {})
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(extras)))
    for name, _, where in layout:
        if where == "extra":
            frame[name] = pd.Series([e.get(name) for e in extras], index=frame.index, dtype=object)
    return frame.reindex(columns=[name for name, _, _ in layout])


def _frame(result: Any, layout: list[list[str]]) -> pd.DataFrame:
    """Rows read back as the frame they were stored from: column order and dtypes restored.
    Read in chunks, each cast before the next is read, so the peak stays near the frame's size."""
    chunks = [_cast(_chunk(rows, layout), layout) for rows in result.partitions(LOAD_CHUNK)]
    if not chunks:
        return _cast(_chunk([], layout), layout)
    return _cast(pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0], layout)


def _cast(frame: pd.DataFrame, layout: list[list[str]]) -> pd.DataFrame:
    for name, kind, _ in layout:
        dtype: Any = kind
        if str(frame[name].dtype) == kind:
            continue
        try:
            if kind.startswith("datetime64"):
                frame[name] = pd.to_datetime(frame[name]).astype(dtype)
            elif kind != "object":
                frame[name] = frame[name].astype(dtype)
        except (TypeError, ValueError):
            LOG.warning("column %r kept as read: not castable to %s", name, dtype)
    return frame


class Store:
    """One database of kept event sets and saved views. Open with Store.open(url)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgis = engine.dialect.name == "postgresql"

    @classmethod
    def open(cls, setting: str | URL | None = None) -> Store:
        """Connect (COUPBELT_DB by default), create or upgrade the schema, and return the store.
        Raises StoreError when the database cannot be reached, written or migrated."""
        url = setting if isinstance(setting, URL) else database_url(setting)
        args: dict[str, object] = {}
        if url.get_backend_name() == "sqlite":
            _sqlite_file(url)
            args = {"timeout": 30}
        elif url.get_backend_name() == "postgresql":
            args = {"connect_timeout": CONNECT_TIMEOUT_S}
        try:
            engine = sa.create_engine(url, connect_args=args, pool_pre_ping=True)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise StoreError("unreachable", f"cannot use the database {where(url)}: {exc}") from exc
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        try:
            with engine.connect():
                pass
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise _error(exc, f"the database {where(url)} cannot be reached") from exc
        store.upgrade()
        return store

    def close(self) -> None:
        self.engine.dispose()

    def upgrade(self) -> None:
        """Apply the migrations the database lacks (none when it is at the head revision)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        try:
            with self.engine.begin() as conn:
                if self.postgis:  # one server migrates; the others wait here, then see head
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": 1402_2026})
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
        except sa.exc.OperationalError as exc:
            raise _error(exc, "the store's schema could not be upgraded") from exc
        except Exception as exc:
            LOG.exception("store migration to %s failed", head)
            raise StoreError("migration", f"the store's schema could not be upgraded to "
                             f"revision {head}: {exc}") from exc

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def _begin(self, what: str) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise _error(exc, what) from exc

    # Event sets ---------------------------------------------------------------------------

    def keep_set(self, name: str, events: pd.DataFrame, report: IngestReport, file_name: str,
                 size: int, viewer: Viewer = PERSONAL,
                 visibility: str = DEFAULT_VISIBILITY) -> str:
        """Keep an imported set (its events, the import report, file name and size) under a
        name, owned by the viewer; returns the set's new ID."""
        name = clean_name(name)
        owner = _owner(viewer)
        visibility = _visibility(visibility)
        rows = len(events) + len(report.rejected)
        if rows > MAX_ROWS:
            raise StoreError("too_large", f"{file_name} has {rows:,} rows; the limit is "
                             f"{MAX_ROWS:,}")
        parts = set_parts_of(events, report.rejected)
        set_id = new_id()
        with self._begin("the set could not be kept") as conn:
            conn.execute(event_sets.insert(), {
                "id": set_id, "name": name, "file_name": clean_name(file_name, "upload"),
                "size_bytes": int(size), "format": report.format,
                "created_at": datetime.now(UTC), "loaded": len(events),
                "rejected": len(report.rejected), "notes": list(report.notes),
                "ambiguous_dates": bool(report.ambiguous_dates), "columns": _layout(events, EVENT_COLUMNS),
                "rejected_columns": _layout(report.rejected, REJECTED_COLUMNS),
                "owner": owner, "visibility": visibility, "storage": "parquet"})
            write_set_parts(conn, set_id, parts)
            _log(conn, owner, "kept", "set", set_id, owner, name,
                 f"{len(events)} events, {len(report.rejected)} rejected, {visibility}")
        return set_id

    def list_sets(self, viewer: Viewer = PERSONAL) -> list[KeptSet]:
        """The kept sets the viewer may list (not those in the bin), newest first."""
        with self._begin("the kept sets could not be listed") as conn:
            rows = conn.execute(_listable(event_sets, viewer, _set_columns()).order_by(
                event_sets.c.created_at.desc(), event_sets.c.name)).all()
        return [s for s in map(_kept_set, rows) if allowed(viewer, s.owner, s.visibility, "list")]

    def set_info(self, set_id: str, viewer: Viewer = PERSONAL) -> KeptSet | None:
        """One kept set's description when the viewer may open it by its link (also when it is
        in the bin: `deleted_at` says so); None when there is no such set for this viewer."""
        row = self._openable(event_sets, set_id, _set_columns(), viewer,
                             "the kept set could not be read")
        return None if row is None else _kept_set(row)

    def load_set(self, set_id: str) -> tuple[pd.DataFrame, IngestReport] | None:
        """A kept set's events and its import report, or None when there is no such set (or it
        is in the bin). Callers check the viewer's right with set_info first."""
        if not is_id(set_id):
            return None
        with self._begin("the kept set could not be read") as conn:
            meta = conn.execute(sa.select(event_sets).where(
                event_sets.c.id == set_id, event_sets.c.deleted_at.is_(None))).first()
            if meta is None:
                return None
            m = meta._mapping
            if m["storage"] == "parquet":
                # Parquet has no second-resolution times: dtypes come back as they were kept
                frame, rejected = (_cast(_from_parquet(b"".join(conn.execute(
                    sa.select(set_parts.c.data).where(set_parts.c.set_id == set_id,
                                                      set_parts.c.kind == kind)
                    .order_by(set_parts.c.part)).scalars())), m[layout])
                    for kind, layout in (("events", "columns"), ("rejected", "rejected_columns")))
            else:  # kept before Parquet: one database row per event
                streamed = conn.execution_options(yield_per=LOAD_CHUNK)
                frame = _frame(streamed.execute(
                    sa.select(*(set_events.c[c] for c in EVENT_COLUMNS), set_events.c.extra)
                    .where(set_events.c.set_id == set_id).order_by(set_events.c.seq)),
                    m["columns"])
                rejected = _frame(streamed.execute(
                    sa.select(set_rejected.c.row, set_rejected.c.reasons, set_rejected.c.extra)
                    .where(set_rejected.c.set_id == set_id).order_by(set_rejected.c.seq)),
                    m["rejected_columns"])
        report = IngestReport(m["name"], m["format"], frame, rejected, tuple(m["notes"]),
                              bool(m["ambiguous_dates"]))
        return frame, report

    def rename_set(self, set_id: str, name: str, viewer: Viewer = PERSONAL) -> bool:
        """Give a kept set a new name; False when there is no such set for this viewer;
        StoreError("forbidden") when the viewer sees it but may not rename it."""
        return self._rename("set", set_id, name, viewer)

    def share_set(self, set_id: str, visibility: str, viewer: Viewer = PERSONAL) -> bool:
        """Set who may see a kept set (private, team, link): the owner or an admin only."""
        return self._share("set", set_id, visibility, viewer)

    def delete_set(self, set_id: str, viewer: Viewer = PERSONAL) -> bool:
        """Put a kept set in the bin (its owner may restore it for BIN_DAYS); False when there
        is no such set for this viewer."""
        return self._bin("set", set_id, viewer, deleted=True)

    def restore_set(self, set_id: str, viewer: Viewer = PERSONAL) -> bool:
        """Take a kept set out of the bin."""
        return self._bin("set", set_id, viewer, deleted=False)

    def binned_sets(self, viewer: Viewer = PERSONAL) -> list[KeptSet]:
        """The viewer's sets in the bin (an admin's: everyone's), newest deletion first."""
        return [_kept_set(r) for r in self._binned(event_sets, _set_columns(), viewer)]

    # Saved views --------------------------------------------------------------------------

    def keep_view(self, name: str, query: str, viewer: Viewer = PERSONAL,
                  visibility: str = DEFAULT_VISIBILITY) -> str:
        """Keep a link's query string (`date=...&iso3=...`) under a name, owned by the
        viewer; returns its ID."""
        name = clean_name(name)
        owner = _owner(viewer)
        visibility = _visibility(visibility)
        query = query.lstrip("?")
        if len(query) > MAX_QUERY or any(ord(ch) < 32 for ch in query):
            raise StoreError("bad_query", f"a view's link query is at most {MAX_QUERY} "
                             "printable characters")
        view_id = new_id()
        with self._begin("the view could not be kept") as conn:
            conn.execute(saved_views.insert(), {"id": view_id, "name": name, "query": query,
                                                "created_at": datetime.now(UTC), "owner": owner,
                                                "visibility": visibility})
            _log(conn, owner, "kept", "view", view_id, owner, name, visibility)
        return view_id

    def list_views(self, viewer: Viewer = PERSONAL) -> list[SavedView]:
        """The saved views the viewer may list (not those in the bin), newest first."""
        with self._begin("the saved views could not be listed") as conn:
            rows = conn.execute(_listable(saved_views, viewer, _view_columns()).order_by(
                saved_views.c.created_at.desc(), saved_views.c.name)).all()
        return [v for v in map(_saved_view, rows) if allowed(viewer, v.owner, v.visibility, "list")]

    def view_info(self, view_id: str, viewer: Viewer = PERSONAL) -> SavedView | None:
        """A saved view when the viewer may open it by its link (also in the bin:
        `deleted_at` says so); None when there is no such view for this viewer."""
        row = self._openable(saved_views, view_id, _view_columns(), viewer,
                             "the saved view could not be read")
        return None if row is None else _saved_view(row)

    def view_query(self, view_id: str, viewer: Viewer = PERSONAL) -> str | None:
        """The query string a saved view keeps, or None when there is no such view for this
        viewer (or it is in the bin)."""
        found = self.view_info(view_id, viewer)
        return None if found is None or found.deleted_at is not None else found.query

    def rename_view(self, view_id: str, name: str, viewer: Viewer = PERSONAL) -> bool:
        return self._rename("view", view_id, name, viewer)

    def share_view(self, view_id: str, visibility: str, viewer: Viewer = PERSONAL) -> bool:
        return self._share("view", view_id, visibility, viewer)

    def delete_view(self, view_id: str, viewer: Viewer = PERSONAL) -> bool:
        return self._bin("view", view_id, viewer, deleted=True)

    def restore_view(self, view_id: str, viewer: Viewer = PERSONAL) -> bool:
        return self._bin("view", view_id, viewer, deleted=False)

    def binned_views(self, viewer: Viewer = PERSONAL) -> list[SavedView]:
        """The viewer's saved views in the bin (an admin's: everyone's)."""
        return [_saved_view(r) for r in self._binned(saved_views, _view_columns(), viewer)]

    # Both kinds -----------------------------------------------------------------------------

    def _binned(self, table: sa.Table, columns: tuple[Any, ...], viewer: Viewer) -> list[Any]:
        """The rows in the bin the viewer may restore, newest deletion first (what is past
        BIN_DAYS is purged first)."""
        self.purge_bin()
        with self._begin("the bin could not be listed") as conn:
            rows = conn.execute(_binned_query(table, viewer, columns)).all()
        return [r for r in rows if allowed(viewer, r.owner, r.visibility, "restore")]

    def _openable(self, table: sa.Table, item_id: str, columns: tuple[Any, ...], viewer: Viewer,
                  what: str) -> Any | None:
        """The item's row when the viewer may open it by its link (in the bin or not)."""
        if not is_id(item_id):
            return None
        with self._begin(what) as conn:
            row = conn.execute(sa.select(*columns).where(table.c.id == item_id)).first()
        return row if row is not None and allowed(viewer, row.owner, row.visibility,
                                                  "open_link") else None

    def _allowed_item(self, conn: Connection, kind: str, item_id: str, viewer: Viewer,
                      action: str, binned: bool = False) -> Any | None:
        """The item's row (id, name, owner, visibility) when the viewer may do `action`; None
        when it does not exist for the viewer (nor in the bin, if `binned`); StoreError
        forbidden when the viewer may see it but not do that."""
        table = KINDS[kind]
        if not is_id(item_id):
            return None
        row = conn.execute(sa.select(table.c.id, table.c.name, table.c.owner, table.c.visibility,
                                     table.c.deleted_at).where(table.c.id == item_id)).first()
        if row is None or (row.deleted_at is not None) != binned:
            return None
        if allowed(viewer, row.owner, row.visibility, action):
            return row
        if allowed(viewer, row.owner, row.visibility, "open_link"):
            raise StoreError("forbidden", f"only the owner of this {kind} may {action} it")
        return None

    def _rename(self, kind: str, item_id: str, name: str, viewer: Viewer) -> bool:
        name = clean_name(name)
        table = KINDS[kind]
        with self._begin(f"the {kind} could not be renamed") as conn:
            row = self._allowed_item(conn, kind, item_id, viewer, "rename")
            if row is None:
                return False
            conn.execute(table.update().where(table.c.id == item_id).values(name=name))
            _log(conn, _owner(viewer), "renamed", kind, item_id, row.owner, name,
                 f"was {row.name}")
        return True

    def _share(self, kind: str, item_id: str, visibility: str, viewer: Viewer) -> bool:
        visibility = _visibility(visibility)
        table = KINDS[kind]
        with self._begin(f"the {kind} could not be shared") as conn:
            row = self._allowed_item(conn, kind, item_id, viewer, "share")
            if row is None:
                return False
            conn.execute(table.update().where(table.c.id == item_id)
                         .values(visibility=visibility))
            _log(conn, _owner(viewer), "shared", kind, item_id, row.owner, row.name,
                 f"{row.visibility} -> {visibility}")
        return True

    def _bin(self, kind: str, item_id: str, viewer: Viewer, deleted: bool) -> bool:
        table = KINDS[kind]
        action = "delete" if deleted else "restore"
        with self._begin(f"the {kind} could not be {action}d") as conn:
            row = self._allowed_item(conn, kind, item_id, viewer, action, binned=not deleted)
            if row is None:
                return False
            conn.execute(table.update().where(table.c.id == item_id).values(
                deleted_at=datetime.now(UTC) if deleted else None,
                deleted_by=_owner(viewer) if deleted else None))
            _log(conn, _owner(viewer), f"{action}d", kind, item_id, row.owner, row.name,
                 f"in the bin for {BIN_DAYS} days" if deleted else "")
        return True

    def purge_bin(self, now: datetime | None = None) -> int:
        """Delete for good what has been in the bin more than BIN_DAYS; returns how many."""
        limit = (now or datetime.now(UTC)) - timedelta(days=BIN_DAYS)
        purged = 0
        with self._begin("the bin could not be emptied") as conn:
            for kind, table in KINDS.items():
                rows = conn.execute(sa.select(table.c.id, table.c.name, table.c.owner).where(
                    table.c.deleted_at.is_not(None), table.c.deleted_at < limit)).all()
                for row in rows:
                    if kind == "set":
                        conn.execute(set_parts.delete().where(set_parts.c.set_id == row.id))
                        conn.execute(set_events.delete().where(set_events.c.set_id == row.id))
                        conn.execute(set_rejected.delete().where(set_rejected.c.set_id == row.id))
                    conn.execute(table.delete().where(table.c.id == row.id))
                    _log(conn, "system", "purged", kind, row.id, row.owner, row.name,
                         f"after {BIN_DAYS} days in the bin")
                purged += len(rows)
        return purged

    def log(self, viewer: Viewer = PERSONAL, item_id: str | None = None) -> list[LogEntry]:
        """What was done to the viewer's sets and views (an admin's or this machine's: all),
        oldest first; only one item's when `item_id` is given."""
        query = sa.select(store_log).order_by(store_log.c.seq)
        if not (viewer.admin or viewer.personal):
            query = query.where(store_log.c.item_owner == (viewer.user or ""))
        if item_id is not None:
            query = query.where(store_log.c.item_id == item_id)
        with self._begin("the store's log could not be read") as conn:
            rows = conn.execute(query).all()
        return [LogEntry(r.at, r.actor, r.action, r.kind, r.item_id, r.item_owner, r.name,
                         r.detail) for r in rows]


def _owner(viewer: Viewer) -> str:
    if viewer.user is None:
        raise StoreError("forbidden", "sign in to keep or change sets and views")
    return viewer.user


def _visibility(visibility: str) -> str:
    if visibility not in VISIBILITIES:
        raise StoreError("bad_visibility", f"visibility is one of {', '.join(VISIBILITIES)}, "
                         f"not {visibility[:20]!r}")
    return visibility


def _listable(table: sa.Table, viewer: Viewer, columns: tuple[Any, ...]) -> Any:
    """A query of the items the viewer may list, not in the bin (checked again in Python by
    geo.access.allowed)."""
    query = sa.select(*columns).where(table.c.deleted_at.is_(None))
    if viewer.admin and viewer.signed_in:
        return query
    if viewer.user is None:
        return query.where(sa.false())
    return query.where(sa.or_(table.c.owner == viewer.user, table.c.visibility == "team"))


def _binned_query(table: sa.Table, viewer: Viewer, columns: tuple[Any, ...]) -> Any:
    query = sa.select(*columns).where(table.c.deleted_at.is_not(None)).order_by(
        table.c.deleted_at.desc())
    if viewer.admin and viewer.signed_in:
        return query
    return query.where(table.c.owner == viewer.user) if viewer.user else query.where(sa.false())


def _log(conn: Connection, actor: str, action: str, kind: str, item_id: str, item_owner: str,
         name: str, detail: str) -> None:
    conn.execute(store_log.insert(), {"at": datetime.now(UTC), "actor": actor, "action": action,
                                      "kind": kind, "item_id": item_id, "item_owner": item_owner,
                                      "name": name, "detail": detail})


def _kept_set(row: Any) -> KeptSet:
    m = row._mapping
    return KeptSet(str(m["id"]), str(m["name"]), str(m["file_name"]), int(m["size_bytes"]),
                   str(m["format"]), m["created_at"], int(m["loaded"]), int(m["rejected"]),
                   str(m["owner"]), str(m["visibility"]), m["deleted_at"])


def _set_columns() -> tuple[Any, ...]:
    c = event_sets.c
    return (c.id, c.name, c.file_name, c.size_bytes, c.format, c.created_at, c.loaded,
            c.rejected, c.owner, c.visibility, c.deleted_at)


def _saved_view(row: Any) -> SavedView:
    m = row._mapping
    return SavedView(str(m["id"]), str(m["name"]), str(m["query"]), m["created_at"],
                     str(m["owner"]), str(m["visibility"]), m["deleted_at"])


def _view_columns() -> tuple[Any, ...]:
    c = saved_views.c
    return (c.id, c.name, c.query, c.created_at, c.owner, c.visibility, c.deleted_at)


def set_parts_of(events: pd.DataFrame, rejected: pd.DataFrame) -> dict[str, bytes]:
    """A set's rows as the Parquet files the store keeps (done before the transaction)."""
    return {"events": _parquet(events), "rejected": _parquet(rejected)}


def write_set_parts(conn: Connection, set_id: str, parts: dict[str, bytes]) -> None:
    """Replace a set's rows (in the caller's transaction) by these Parquet files, in parts of
    at most PART_BYTES; the set is marked as kept in Parquet (a set kept as rows loses them)."""
    conn.execute(set_parts.delete().where(set_parts.c.set_id == set_id))
    conn.execute(set_events.delete().where(set_events.c.set_id == set_id))
    conn.execute(set_rejected.delete().where(set_rejected.c.set_id == set_id))
    for kind, data in parts.items():
        for part, start in enumerate(range(0, max(len(data), 1), PART_BYTES)):
            conn.execute(set_parts.insert(), {"set_id": set_id, "kind": kind, "part": part,
                                              "data": data[start:start + PART_BYTES]})
    conn.execute(event_sets.update().where(event_sets.c.id == set_id).values(storage="parquet"))


def _parquet(frame: pd.DataFrame) -> bytes:
    """A frame as Parquet bytes (zstd), its pandas dtypes and column order kept. A column Arrow
    cannot type as it is (mixed kinds of values) is kept as text."""
    frame = frame.reset_index(drop=True)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        mixed = {}
        for column in frame.columns:
            try:
                pa.array(frame[column], from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                mixed[column] = frame[column].map(lambda v: None if _missing(v) else str(v))
                LOG.warning("column %r kept as text: mixed kinds of values", column)
        table = pa.Table.from_pandas(frame.assign(**mixed), preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _from_parquet(data: bytes) -> pd.DataFrame:
    frame: pd.DataFrame = pq.read_table(io.BytesIO(data)).to_pandas()
    return frame


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers are not blocked while a set is kept
    cursor.close()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_name(name: str, default: str | None = None) -> str:
    """A name on one line, at most MAX_NAME characters, without invisible format characters
    (bidi overrides and isolates, zero-width spaces and joiners: a name is never shown reversed
    or as a look-alike); an empty one is refused (or `default`)."""
    text = "".join(ch for ch in str(name) if unicodedata.category(ch) != "Cf")
    text = _CONTROL.sub(" ", text).strip()[:MAX_NAME].strip()
    if not text:
        if default is not None:
            return default
        raise StoreError("bad_name", "a name is needed")
    return text


def _error(exc: sa.exc.SQLAlchemyError, what: str) -> StoreError:
    """A database failure as a StoreError for people; the detail goes to the log."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    LOG.warning("%s: %s", what, exc.__class__.__name__, exc_info=exc)
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StoreError("read_only", f"{what}: the database is read-only")
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return StoreError("unreachable", f"{what}: the database cannot be reached or used")
    return StoreError("failed", f"{what}: the database refused it")


def main(argv: list[str] | None = None) -> int:
    """Command line, for the server's operator (who sees everything, as an admin does):
    upgrade the schema, list the kept sets or saved views, read the log, empty the bin of
    what is past BIN_DAYS. `--user` shows what that user would see instead."""
    parser = argparse.ArgumentParser(description="The dashboard's store of kept event sets and "
                                                 "saved views.")
    parser.add_argument("--db", help="database URL or SQLite path (default: COUPBELT_DB, else "
                                     f"{DEFAULT_PATH.relative_to(ROOT)})")
    parser.add_argument("--user", help="as this signed-in user (an e-mail address) sees it")
    parser.add_argument("action", choices=("upgrade", "sets", "views", "log", "purge"))
    args = parser.parse_args(argv)
    viewer = Viewer(args.user) if args.user else Viewer(LOCAL, admin=True)
    try:
        store = Store.open(args.db)
        if args.action == "upgrade":
            print(f"store at revision {store.revision()}")
        elif args.action == "sets":
            from geo.pulls import history  # geo.pulls builds on this module

            for s in store.list_sets(viewer):
                pulled = history(store, s.id)  # a pulled set's versions: its pulls
                print(json.dumps({"id": s.id, "name": s.name, "file": s.file_name,
                                  "loaded": s.loaded, "rejected": s.rejected,
                                  "owner": s.owner, "visibility": s.visibility,
                                  "kept": s.created_at.isoformat(),
                                  "versions": [p.seq for p in pulled]}, ensure_ascii=False))
        elif args.action == "views":
            for v in store.list_views(viewer):
                print(json.dumps({"id": v.id, "name": v.name, "query": v.query, "owner": v.owner,
                                  "visibility": v.visibility}, ensure_ascii=False))
        elif args.action == "log":
            for e in store.log(viewer):
                print(json.dumps({"at": e.at.isoformat(), "user": e.actor, "action": e.action,
                                  "kind": e.kind, "id": e.item_id, "owner": e.item_owner,
                                  "name": e.name, "detail": e.detail}, ensure_ascii=False))
        else:
            print(f"purged {store.purge_bin()} item(s) kept in the bin over {BIN_DAYS} days")
    except StoreError as exc:
        print(f"store: {exc}", file=sys.stderr)
        return 2
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
