"""Who may do what with a kept set, a saved view or a pull: pure rules, table-tested.

Everything kept has an owner and a visibility:

    private   its owner only (and the admins named in the server's configuration)
    team      every signed-in user of the server may list and open it
    link      anyone holding its link may open it, read-only; it is listed to nobody else

Only the owner or an admin renames, re-shares, deletes (to the bin) or restores. Without
sign-in configured the dashboard is a personal one: its one user is LOCAL, "this machine",
owner of everything kept there (the server then listens on this machine only).
"""

from __future__ import annotations

from dataclasses import dataclass

LOCAL = "local"  # the owner of what is kept on a personal dashboard ("this machine")
VISIBILITIES = ("private", "team", "link")
DEFAULT_VISIBILITY = "private"
ACTIONS = ("list", "open", "open_link", "rename", "share", "delete", "restore", "read_log")

# role -> visibility -> the actions allowed. "open" is opening from a list; "open_link" is
# opening by a link that names the item's ID.
_READ = frozenset({"list", "open", "open_link"})
_ALL = frozenset(ACTIONS)
RULES: dict[str, dict[str, frozenset[str]]] = {
    "owner": {v: _ALL for v in VISIBILITIES},
    "admin": {v: _ALL for v in VISIBILITIES},
    "member": {"private": frozenset(), "team": _READ, "link": frozenset({"open_link"})},
    "visitor": {"private": frozenset(), "team": frozenset(), "link": frozenset({"open_link"})},
}


@dataclass(frozen=True)
class Viewer:
    """The person using the page: `user` is the signed-in identity (an e-mail address) or
    LOCAL on a personal dashboard; None for a visitor who has not signed in on a team server."""

    user: str | None
    admin: bool = False

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    @property
    def personal(self) -> bool:
        return self.user == LOCAL


PERSONAL = Viewer(LOCAL)
VISITOR = Viewer(None)


def role(viewer: Viewer, owner: str) -> str:
    """The viewer's role towards something `owner` kept."""
    if viewer.user is not None and viewer.user == owner:
        return "owner"
    if viewer.admin and viewer.signed_in:
        return "admin"
    return "member" if viewer.signed_in else "visitor"


def allowed(viewer: Viewer, owner: str, visibility: str, action: str) -> bool:
    """True when `viewer` may do `action` to an item of `owner` with `visibility`. An unknown
    visibility or action allows nothing."""
    return action in RULES[role(viewer, owner)].get(visibility, frozenset())

