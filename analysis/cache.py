"""Memoise pure functions of the data files.

A function decorated with :func:`on_data` depends only on the files in ``data/`` and its own
(plain) arguments. Its result is computed once per version of ``data/`` in a process and handed
out as a copy, so callers may change it. During a report build the notebooks run in separate
processes; the build names a private scratch folder in ``ND_MARKET_SHARED_CACHE`` and the first
process to compute a result leaves it there for the others (keyed by the content of ``data/`` and
of the ``analysis`` package, so a stale entry cannot be read). Editing a CSV in a running kernel:
call :func:`analysis.data.clear_cache`, which clears this cache too.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from analysis import paths

SHARED_DIR_ENV = "ND_MARKET_SHARED_CACHE"
_PLAIN = (str, int, float, bool, type(None))
_memo: dict = {}


def _stamps(directory: Path) -> tuple:
    """(path, modification time, size) of every file under ``directory``: cheap to take on every call."""
    out = []
    for p in sorted(directory.rglob("*")):
        if p.is_file():
            st = p.stat()
            out.append((str(p.relative_to(directory)), st.st_mtime_ns, st.st_size))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _content_hash(directory: str, stamps: tuple) -> str:
    """SHA-256 of the files' names and bytes (once per set of stamps), plus the package's source."""
    h = hashlib.sha256()
    for name, _, _ in stamps:
        h.update(name.encode())
        h.update((Path(directory) / name).read_bytes())
    for src in sorted((paths.ROOT / "analysis").rglob("*.py")):  # the charts/ subpackage too
        h.update(str(src.relative_to(paths.ROOT)).encode())
        h.update(src.read_bytes())
    return h.hexdigest()


def _plain(value) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def shared(key: str, directory: Path, compute):
    """``compute()``, memoised under ``key`` for the current content of ``directory``.

    In-process first; then the build's shared folder, if one is set; else compute and store.
    """
    directory = Path(directory)
    stamps = _stamps(directory)
    memo_key = (key, str(directory), stamps)
    if memo_key in _memo:
        return _memo[memo_key]
    value = None
    found = False
    shared_dir = os.environ.get(SHARED_DIR_ENV)
    if shared_dir:
        digest = hashlib.sha256(f"{key}\0{_content_hash(str(directory), stamps)}".encode()).hexdigest()
        path = Path(shared_dir) / f"{digest}.pickle"
        if path.exists():
            try:
                value, found = pickle.loads(path.read_bytes()), True
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                found = False  # unreadable: compute it again
        if not found:
            value = compute()
            _write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    else:
        value = compute()
    _memo[memo_key] = value
    return value


def _write_atomically(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)  # a cache that cannot be written only costs time


def on_data(func):
    """Decorator: memoise ``func`` per version of ``data/`` (see the module docstring).

    Calls with any argument that is not a plain value (str, number, bool, None, or tuples and
    lists of them), a DataFrame for instance, are passed straight through.
    """
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not (_plain(args) and _plain(list(kwargs.values()))):
            return func(*args, **kwargs)
        key = f"{name}{args!r}{sorted(kwargs.items())!r}"
        return copy.deepcopy(shared(key, paths.DATA, lambda: func(*args, **kwargs)))

    wrapper.uncached = func
    return wrapper


def clear() -> None:
    """Forget every memoised result in this process."""
    _memo.clear()
    _content_hash.cache_clear()


__all__ = ["SHARED_DIR_ENV", "clear", "on_data", "shared"]
