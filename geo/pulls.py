"""Pulled sets and their versions: what each pull from a source changed, applied atomically.

A kept set made by pulling from ACLED or UCDP (geo.sources) has a history in the `pulls` table
(migration 0004): one row a pull, with when, the source, its version (UCDP) or change cursor
(ACLED's `timestamp`), the filters, and the rows it added, changed and deleted. A pull's rows
are merged into the set by event id (`merge`, pure): a row whose content is unchanged is not
touched; a changed one replaces the stored one; a deleted one goes. The set's new content and
the pull's row are written in one transaction (`write_pull`): a pull that fails part-way leaves
the set exactly as it was.

`write_pull` writes the store's own tables (event_sets, the set's Parquet parts through
geo.store.write_set_parts, store_log) in one transaction; the set's Parquet is written again
whole (a second or two at a million rows), while the merge touches only the rows that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from geo.access import DEFAULT_VISIBILITY, Viewer, allowed
from geo.ingest import IngestReport
from geo.store import (
    EVENT_COLUMNS,
    MAX_ROWS,
    REJECTED_COLUMNS,
    Store,
    StoreError,
    _layout,
    _log,
    _owner,
    _visibility,
    clean_name,
    event_sets,
    new_id,
    set_parts_of,
    write_set_parts,
)

metadata = sa.MetaData()
pulls = sa.Table(
    "pulls", metadata,
    sa.Column("set_id", sa.String(64), primary_key=True),  # -> event_sets.id, ON DELETE CASCADE
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("version", sa.Text),
    sa.Column("cursor", sa.Text),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("changed", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Integer, nullable=False),
    sa.Column("loaded", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("received_bytes", sa.BigInteger, nullable=False),
    sa.Column("owner", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class Pull:
    """One pull of a set: a version of it."""

    set_id: str
    seq: int
    at: datetime
    source: str
    version: str | None
    cursor: str | None
    params: dict[str, Any]
    added: int
    changed: int
    deleted: int
    loaded: int
    rejected: int
    received_bytes: int
    owner: str


def _pull(row: Any) -> Pull:
    m = row._mapping
    at = m["at"] if m["at"].tzinfo else m["at"].replace(tzinfo=UTC)  # SQLite drops the zone
    return Pull(str(m["set_id"]), int(m["seq"]), at, str(m["source"]), m["version"], m["cursor"],
                dict(m["params"] or {}), int(m["added"]), int(m["changed"]), int(m["deleted"]),
                int(m["loaded"]), int(m["rejected"]), int(m["received_bytes"]), str(m["owner"]))


def history(store: Store, set_id: str) -> list[Pull]:
    """The pulls of a set, oldest first (empty for a set imported from a file). Callers check
    the viewer's right to the set with Store.set_info first."""
    with store._begin("the pulls could not be read") as conn:
        rows = conn.execute(sa.select(pulls).where(pulls.c.set_id == set_id)
                            .order_by(pulls.c.seq)).all()
    return [_pull(r) for r in rows]


def pulled_set(store: Store, name: str, viewer: Viewer) -> tuple[str, Pull | None] | None:
    """The set of that name the viewer may list, with its last pull (None for a set imported
    from a file); None when there is no set of that name. The newest wins."""
    name = clean_name(name)
    for kept in store.list_sets(viewer):
        if kept.name == name:
            done = history(store, kept.id)
            return kept.id, (done[-1] if done else None)
    return None


# Merging a pull into a set ----------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """A set's content after a pull, and what the pull did to it."""

    events: pd.DataFrame  # the set's events after the pull (unchanged rows first, in order)
    rejected: pd.DataFrame
    written: pd.DataFrame  # the rows of `events` that are new or changed
    dropped: tuple[str, ...]  # ids of stored events the pull replaces or deletes
    added: int
    changed: int
    deleted: int


def _fingerprints(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One number per row from its content in `columns` (missing ones empty)."""
    if frame.empty:
        return pd.Series([], dtype="uint64", index=frame.index)
    text = frame.reindex(columns=columns).astype(str)
    return pd.util.hash_pandas_object(text, index=False)


def _keys(frame: pd.DataFrame, prints: pd.Series) -> pd.Series:
    """A row's identity: its id, else (a rejected row without one) its content."""
    ids = frame["id"].astype(str).str.strip() if "id" in frame.columns else pd.Series(
        "", index=frame.index)
    return ids.where(ids != "", "content:" + prints.astype(str))


def _concat(parts: list[pd.DataFrame], like: pd.DataFrame) -> pd.DataFrame:
    """Frames one after the other, empty ones left out so that they cannot change a dtype."""
    kept = [p for p in parts if len(p)]
    if not kept:
        return like.iloc[0:0].reset_index(drop=True)
    return pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].reset_index(drop=True)


def merge(old_events: pd.DataFrame, old_rejected: pd.DataFrame, pulled: IngestReport,
          deleted_ids: Iterable[str] = (), replace_all: bool = False) -> Merge:
    """Apply a pull to a set, by event id. A pulled row is added when its id is new, changed
    when the set has that id with other content (also when it moves between loaded and
    rejected), and left alone when identical (`row`, its position in a pull, does not count).
    `deleted_ids` (ACLED's deletions) go; with `replace_all` (a UCDP version is complete),
    every stored id the pull does not have goes."""
    new_events, new_rejected = pulled.loaded, pulled.rejected
    columns = sorted((set(old_events.columns) | set(new_events.columns)) - {"row"})
    rcolumns = sorted((set(old_rejected.columns) | set(new_rejected.columns)) - {"row"})
    old_prints, new_prints = _fingerprints(old_events, columns), _fingerprints(new_events, columns)
    old_rprints = _fingerprints(old_rejected, rcolumns)
    new_rprints = _fingerprints(new_rejected, rcolumns)
    old_keys, new_keys = _keys(old_events, old_prints), _keys(new_events, new_prints)
    old_rkeys, new_rkeys = _keys(old_rejected, old_rprints), _keys(new_rejected, new_rprints)

    stored = dict(zip(old_keys, old_prints, strict=True))
    stored_rejected = dict(zip(old_rkeys, old_rprints, strict=True))
    fresh = ~new_keys.map(lambda k: k in stored or k in stored_rejected).astype(bool)
    same = new_keys.map(stored).eq(new_prints) & ~fresh
    rfresh = ~new_rkeys.map(lambda k: k in stored or k in stored_rejected).astype(bool)
    rsame = new_rkeys.map(stored_rejected).eq(new_rprints) & ~rfresh

    pulled_keys = set(new_keys) | set(new_rkeys)
    gone = set(deleted_ids) - pulled_keys
    if replace_all:
        gone |= (set(old_keys) | set(old_rkeys)) - pulled_keys
    gone &= set(old_keys) | set(old_rkeys)
    touched = set(new_keys[~same]) | set(new_rkeys[~rsame]) | gone

    keep = ~old_keys.isin(touched)
    written = new_events[~same]
    events = _concat([old_events[keep], written], old_events if len(old_events) else new_events)
    rkeep = ~old_rkeys.isin(touched)
    rejected = _concat([old_rejected[rkeep], new_rejected[~rsame]],
                       old_rejected if len(old_rejected) else new_rejected)
    dropped = tuple(sorted(set(old_keys[~keep])))
    return Merge(events, rejected, written.reset_index(drop=True), dropped,
                 added=int(fresh.sum() + rfresh.sum()),
                 changed=int((~fresh & ~same).sum() + (~rfresh & ~rsame).sum()),
                 deleted=len(gone))


def first_pull(pulled: IngestReport) -> Merge:
    """A set's first pull: every row is new (no comparison needed)."""
    return Merge(pulled.loaded, pulled.rejected, pulled.loaded, (), len(pulled.loaded)
                 + len(pulled.rejected), 0, 0)


# Writing a pull ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PullRecord:
    """What a pull records beside the set's rows."""

    source: str  # acled | ucdp
    fmt: str
    file_name: str  # what the set's list shows as its file, e.g. "ACLED API"
    version: str | None
    cursor: str | None
    params: Mapping[str, Any]
    received_bytes: int
    notes: tuple[str, ...] = ()


def _check_size(merged: Merge, record: PullRecord) -> None:
    rows = len(merged.events) + len(merged.rejected)
    if rows > MAX_ROWS:
        raise StoreError("too_large", f"{record.file_name} would hold {rows:,} rows; the limit "
                                      f"is {MAX_ROWS:,}")


def write_pull(store: Store, name: str, set_id: str | None, last: Pull | None, merged: Merge,
               record: PullRecord, viewer: Viewer, visibility: str = DEFAULT_VISIBILITY) -> Pull:
    """Keep a pull in one transaction: a new set (set_id None), or the set's changed rows
    replaced and its history extended. StoreError("conflict") when another pull of the set
    was kept since `last` was read; nothing is written then, nor on any other failure."""
    owner = _owner(viewer)
    _check_size(merged, record)
    now = datetime.now(UTC)
    layout = _layout(merged.events, EVENT_COLUMNS)
    parts = set_parts_of(merged.events, merged.rejected)
    with store._begin("the pull could not be kept") as conn:
        if set_id is None:
            set_id = new_id()
            conn.execute(event_sets.insert(), {
                "id": set_id, "name": clean_name(name), "file_name": record.file_name,
                "size_bytes": record.received_bytes, "format": record.fmt, "created_at": now,
                "loaded": len(merged.events), "rejected": len(merged.rejected),
                "notes": list(record.notes), "ambiguous_dates": False, "columns": layout,
                "rejected_columns": _layout(merged.rejected, REJECTED_COLUMNS),
                "owner": owner, "visibility": _visibility(visibility), "storage": "parquet"})
            seq, item_owner = 1, owner
        else:
            meta = conn.execute(sa.select(event_sets.c.owner, event_sets.c.visibility,
                                          event_sets.c.size_bytes)
                                .where(event_sets.c.id == set_id,
                                       event_sets.c.deleted_at.is_(None))).first()
            if meta is None or not allowed(viewer, meta.owner, meta.visibility, "rename"):
                raise StoreError("forbidden", "only the owner of this set may pull into it")
            latest = conn.execute(sa.select(sa.func.max(pulls.c.seq))
                                  .where(pulls.c.set_id == set_id)).scalar()
            if latest != (last.seq if last else None):
                raise StoreError("conflict", "another pull changed this set meanwhile; pull again")
            conn.execute(event_sets.update().where(event_sets.c.id == set_id).values(
                loaded=len(merged.events), rejected=len(merged.rejected), columns=layout,
                rejected_columns=_layout(merged.rejected, REJECTED_COLUMNS),
                size_bytes=int(meta.size_bytes) + record.received_bytes))
            seq, item_owner = (last.seq + 1 if last else 1), str(meta.owner)
        write_set_parts(conn, set_id, parts)
        pull = Pull(set_id, seq, now, record.source, record.version, record.cursor,
                    dict(record.params), merged.added, merged.changed, merged.deleted,
                    len(merged.events), len(merged.rejected), record.received_bytes, owner)
        conn.execute(pulls.insert(), {**pull.__dict__})
        _log(conn, owner, "pulled", "set", set_id, item_owner, clean_name(name),
             f"{record.source} pull {seq}: {merged.added} added, {merged.changed} changed, "
             f"{merged.deleted} deleted")
    return pull
