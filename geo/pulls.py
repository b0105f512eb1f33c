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

Versions (migration 0005): the set's Parquet is its latest version; each pull after the first
also keeps what takes the set back to the version before it (`pulls.undo` and `pull_parts`):
the stored rows it replaced or deleted, each with its position then, and how many rows it
wrote at the end of the set. Version k is the latest with the pulls after k undone, newest
first (`load_version`): the frame exactly as it was after pull k, its rows in their order. A
version costs only the rows its next pull changed; the latest is read as fast as any set.
Pulls kept before migration 0005 have no undo: the versions before them cannot be rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.access import DEFAULT_VISIBILITY, Viewer, allowed
from geo.ingest import IngestReport
from geo.store import (
    EVENT_COLUMNS,
    MAX_ROWS,
    PART_BYTES,
    REJECTED_COLUMNS,
    Store,
    StoreError,
    _cast,
    _from_parquet,
    _layout,
    _log,
    _owner,
    _parquet,
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
    sa.Column("undo", sa.JSON),  # migration 0005; None: the version before cannot be rebuilt
)
pull_parts = sa.Table(  # migration 0005: the rows a pull replaced or deleted, as Parquet
    "pull_parts", metadata,
    sa.Column("set_id", sa.String(64), primary_key=True),  # -> event_sets.id, ON DELETE CASCADE
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # events | rejected
    sa.Column("part", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
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
    undoable: bool = True  # the version before this pull can be rebuilt (kept since 0005)


def _pull(row: Any) -> Pull:
    m = row._mapping
    at = m["at"] if m["at"].tzinfo else m["at"].replace(tzinfo=UTC)  # SQLite drops the zone
    return Pull(str(m["set_id"]), int(m["seq"]), at, str(m["source"]), m["version"], m["cursor"],
                dict(m["params"] or {}), int(m["added"]), int(m["changed"]), int(m["deleted"]),
                int(m["loaded"]), int(m["rejected"]), int(m["received_bytes"]), str(m["owner"]),
                m["undo"] is not None)


def _pull_columns() -> tuple[Any, ...]:
    """The pulls' columns, with `undo` read only as whether there is one."""
    undo = sa.case((pulls.c.undo.is_(None), None), else_=sa.literal("1")).label("undo")
    return (*(c for c in pulls.c if c.name != "undo"), undo)


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
    # What takes the set back to the version before (geo.versions): the stored rows the pull
    # replaced or deleted, each with its position in the frame before the pull.
    replaced: pd.DataFrame | None = None
    replaced_at: tuple[int, ...] = ()
    rreplaced: pd.DataFrame | None = None
    rreplaced_at: tuple[int, ...] = ()
    rwritten: int = 0  # rejected rows the pull wrote (the tail of `rejected`)


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
          deleted_ids: Iterable[str] = (), replace_all: bool = False,
          replace_until: pd.Timestamp | None = None) -> Merge:
    """Apply a pull to a set, by event id. A pulled row is added when its id is new, changed
    when the set has that id with other content (also when it moves between loaded and
    rejected), and left alone when identical (`row`, its position in a pull, does not count).
    `deleted_ids` (ACLED's deletions) go; with `replace_all` (a UCDP version is complete),
    every stored id the pull does not have goes, or with `replace_until` only the stored
    events dated up to that day (later ones came from a newer candidate release)."""
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
        covered = old_keys
        if replace_until is not None and "date" in old_events.columns:
            covered = old_keys[~(pd.to_datetime(old_events["date"]) > replace_until)]
        gone |= (set(covered) | set(old_rkeys)) - pulled_keys
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
                 deleted=len(gone), replaced=old_events[~keep].reset_index(drop=True),
                 replaced_at=tuple(int(i) for i in np.flatnonzero(~keep.to_numpy())),
                 rreplaced=old_rejected[~rkeep].reset_index(drop=True),
                 rreplaced_at=tuple(int(i) for i in np.flatnonzero(~rkeep.to_numpy())),
                 rwritten=int((~rsame).sum()))


def first_pull(pulled: IngestReport) -> Merge:
    """A set's first pull: every row is new (no comparison needed)."""
    return Merge(pulled.loaded, pulled.rejected, pulled.loaded, (), len(pulled.loaded)
                 + len(pulled.rejected), 0, 0, rwritten=len(pulled.rejected))


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
    undo: dict[str, Any] = {}  # a first pull: there is no version before it
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
                                          event_sets.c.size_bytes, event_sets.c.columns,
                                          event_sets.c.rejected_columns)
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
            undo = _write_undo(conn, set_id, seq, merged, meta.columns, meta.rejected_columns)
        write_set_parts(conn, set_id, parts)
        pull = Pull(set_id, seq, now, record.source, record.version, record.cursor,
                    dict(record.params), merged.added, merged.changed, merged.deleted,
                    len(merged.events), len(merged.rejected), record.received_bytes, owner)
        conn.execute(pulls.insert(), {**{k: v for k, v in pull.__dict__.items()
                                         if k != "undoable"}, "undo": undo})
        _log(conn, owner, "pulled", "set", set_id, item_owner, clean_name(name),
             f"{record.source} pull {seq}: {merged.added} added, {merged.changed} changed, "
             f"{merged.deleted} deleted")
    return pull


# Versions -----------------------------------------------------------------------------------

POSITION = "__position__"  # the column of a replaced row's position in the version before


def _position_column(frame: pd.DataFrame) -> str:
    name = POSITION
    while name in frame.columns:  # a column of the source's with that name: pick another
        name = "_" + name
    return name


def _write_undo(conn: Connection, set_id: str, seq: int, merged: Merge,
                columns: list[list[str]], rejected_columns: list[list[str]]) -> dict[str, Any]:
    """Keep, in the pull's transaction, what takes the set back to the version before this
    pull: the rows it replaced or deleted (with their positions then) and how many rows it
    wrote; returns the pull's `undo` (the layouts of the version before, and those counts)."""
    undo: dict[str, Any] = {}
    for kind, frame, at, written, layout in (
            ("events", merged.replaced, merged.replaced_at, len(merged.written), columns),
            ("rejected", merged.rreplaced, merged.rreplaced_at, merged.rwritten,
             rejected_columns)):
        if frame is None:
            raise StoreError("failed", "this pull cannot be kept as a version: the merge "
                                       "did not say which rows it replaced")
        position = _position_column(frame)
        data = _parquet(frame.assign(**{position: np.asarray(at, dtype="int64")}))
        for part, start in enumerate(range(0, len(data), PART_BYTES)):
            conn.execute(pull_parts.insert(), {"set_id": set_id, "seq": seq, "kind": kind,
                                               "part": part,
                                               "data": data[start:start + PART_BYTES]})
        undo[kind] = {"written": int(written), "replaced": len(at), "columns": layout,
                      "position": position}
    return undo


def _undone(frame: pd.DataFrame, step: Mapping[str, Any], replaced: pd.DataFrame) -> pd.DataFrame:
    """The frame as it was before a pull: the rows the pull wrote (its tail) cut, the rows it
    replaced or deleted put back where they were, the columns and dtypes of then."""
    layout: list[list[str]] = step["columns"]
    kept = frame.iloc[:len(frame) - int(step["written"])]
    position = step["position"]
    at = replaced[position].to_numpy(dtype="int64") if len(replaced) else np.zeros(0, "int64")
    back = replaced.drop(columns=[position])
    total = len(kept) + len(back)
    if len(at) and (at.min() < 0 or at.max() >= total):
        raise StoreError("failed", "a version of this set cannot be rebuilt: its changes "
                                   "do not fit the rows kept")
    if not len(back):  # the pull only added rows: cutting them is enough
        rebuilt = kept.reset_index(drop=True)
    else:
        slot = np.zeros(total, dtype=bool)
        slot[at] = True
        order = np.concatenate([np.flatnonzero(~slot), at])
        joined = pd.concat([p for p in (kept, back) if len(p)], ignore_index=True)
        rebuilt = joined.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    rebuilt = rebuilt.reindex(columns=[name for name, _, _ in layout])
    return _cast(rebuilt, layout)


def _undo_of(conn: Connection, set_id: str, seq: int) -> tuple[dict[str, Any] | None,
                                                                dict[str, pd.DataFrame]]:
    undo = conn.execute(sa.select(pulls.c.undo).where(pulls.c.set_id == set_id,
                                                      pulls.c.seq == seq)).scalar()
    frames = {}
    for kind in ("events", "rejected"):
        data = b"".join(conn.execute(
            sa.select(pull_parts.c.data).where(pull_parts.c.set_id == set_id,
                                               pull_parts.c.seq == seq,
                                               pull_parts.c.kind == kind)
            .order_by(pull_parts.c.part)).scalars())
        frames[kind] = _from_parquet(data) if data else pd.DataFrame()
    return undo, frames


class VersionError(StoreError):
    """A version that is not there: `kind` is no_version (no such pull) or lost (kept before
    versions were, migration 0005)."""


def versions(store: Store, set_id: str, viewer: Viewer) -> list[Pull]:
    """The pulls of a set the viewer may open by its link, oldest first: pull k is version k.
    A pull whose version cannot be rebuilt (a later one was kept before migration 0005) says
    so by `undoable` False on the pull after it. Empty for a set imported from a file, or one
    the viewer may not open."""
    info = store.set_info(set_id, viewer)
    if info is None or info.deleted_at is not None:
        return []
    return history(store, set_id)


def available(done: Sequence[Pull], seq: int) -> bool:
    """Whether version `seq` of a set with these pulls can be rebuilt."""
    return any(p.seq == seq for p in done) and all(p.undoable for p in done if p.seq > seq)


def load_version(store: Store, set_id: str, seq: int, viewer: Viewer
                 ) -> tuple[pd.DataFrame, IngestReport] | None:
    """A pulled set's events and report as they were after its pull `seq`; None when the
    viewer may not open the set (as for any link) or it is in the bin. VersionError when the
    set has no such pull, or that version cannot be rebuilt."""
    info = store.set_info(set_id, viewer)
    if info is None or info.deleted_at is not None:
        return None
    return rebuild_version(store, set_id, seq)


def rebuild_version(store: Store, set_id: str, seq: int, attempts: int = 3
                    ) -> tuple[pd.DataFrame, IngestReport] | None:
    """Version `seq` of a set, as load_version, without the viewer's right (callers check it
    with Store.set_info first, as for Store.load_set)."""
    for _ in range(attempts):  # a pull kept between the reads: read again
        done = history(store, set_id)
        if not any(p.seq == seq for p in done):
            raise VersionError("no_version", f"this set has no version {seq}; its versions "
                                             f"are 1 to {done[-1].seq}" if done else
                               "this set was imported from a file: it has no versions")
        if not available(done, seq):
            raise VersionError("lost", f"version {seq} of this set was kept before versions "
                                       "were: it cannot be rebuilt")
        kept = store.load_set(set_id)
        if kept is None:
            return None
        events, report = kept
        rejected = report.rejected
        with store._begin("a version of the set could not be read") as conn:
            latest = conn.execute(sa.select(sa.func.max(pulls.c.seq))
                                  .where(pulls.c.set_id == set_id)).scalar()
            if latest != done[-1].seq:
                continue
            for step in range(latest, seq, -1):
                undo, frames = _undo_of(conn, set_id, step)
                if not undo:
                    raise VersionError("lost", f"version {seq} of this set cannot be rebuilt")
                events = _undone(events, undo["events"], frames["events"])
                rejected = _undone(rejected, undo["rejected"], frames["rejected"])
        return events, replace(report, events=events, rejected=rejected)
    raise StoreError("conflict", "the set kept changing while its version was read; try again")
