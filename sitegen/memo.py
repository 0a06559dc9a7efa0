"""Remembered results of pure build steps, so a rebuild redoes only what its inputs changed.

A Memo maps a name (say `("brief", slug)`, a brief's page job) to the dependencies it was
computed from and the result. `get` returns the remembered result when every dependency is
the same object as last time or equal to it, and computes it otherwise. Because unchanged inputs
give back the very same result objects, the next step can compare by identity too: an
unchanged brief gives the same card, the same card gives the same page job, the same
job gives the same render key, all without hashing anything.

Correctness rule (the serve property test checks it): `deps` must cover every input of
`compute`. A clean build uses NO_MEMO, which computes every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

R = TypeVar("R")


class Memo:
    """Results by name, kept from one successful rebuild to the next."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._used: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._carried: dict[Hashable, Any] = {}
        self.hits = 0
        self.misses = 0

    remembers = True
    """False for NO_MEMO: a step may then skip keeping state it would carry."""

    def get(self, name: Hashable, deps: tuple[Any, ...], compute: Callable[[], R]) -> R:
        entry = self._used.get(name)
        if entry is None:
            entry = self._kept.get(name)
        # Tuple equality compares items by identity first, then with ==: exactly the rule.
        if entry is not None and entry[0] == deps:
            self._used[name] = entry
            self.hits += 1
            return entry[1]  # type: ignore[no-any-return]
        result = compute()
        self._used[name] = (deps, result)
        self.misses += 1
        return result

    def same(self, name: Hashable, value: R) -> R:
        """The value remembered under `name` if it equals `value`, else `value` (remembered now):
        equal inputs become identical objects, so later steps can compare them by identity."""
        return self.get(name, (value,), lambda: value)

    def carried(self, name: Hashable) -> Any:
        """What a step carried over from an earlier rebuild (None at first), for steps that
        update their own state rather than recompute it (the related-updates index)."""
        return self._carried.get(name)

    def carry(self, name: Hashable, value: Any) -> None:
        self._carried[name] = value

    def end_round(self) -> None:
        """After a successful rebuild: forget entries it did not use (deleted briefs, old pages).
        A failed rebuild does not call this, so the last good round's entries stay available."""
        self._kept, self._used = self._used, {}
        self.hits = self.misses = 0


class FieldsOf:
    """A memo dependency: a sequence compared by what a step reads of its items.

    Equal to another FieldsOf over as many items when each pair is the same object or
    agrees on `fields`; so only the items that changed identity are projected at all.
    """

    __slots__ = ("items", "fields")

    def __init__(self, items: tuple[Any, ...], fields: Callable[[Any], Any]):
        self.items = items
        self.fields = fields

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldsOf) or other.fields is not self.fields:
            return NotImplemented
        if len(self.items) != len(other.items):
            return False
        f = self.fields
        return all(a is b or f(a) == f(b) for a, b in zip(self.items, other.items))

    __hash__ = None  # type: ignore[assignment]


class _NoMemo(Memo):
    """Computes every time: a clean build has nothing to remember."""

    remembers = False

    def get(self, name: Hashable, deps: tuple[Any, ...], compute: Callable[[], R]) -> R:
        return compute()

    def carry(self, name: Hashable, value: Any) -> None:
        pass  # one NO_MEMO serves every build: it must hold nothing


NO_MEMO: Memo = _NoMemo()
