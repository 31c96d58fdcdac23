"""Where a project's search index lives and why Sitat may trust it: a private cache folder
(0700, this user's, no symbolic link; an unpredictable temporary folder when it cannot be
used), and a state file signed with a per-user key kept outside the index (HMAC-SHA256 over
the state and over every index file's name and contents). whoosh's files are pickles, so an
index whose signature does not match is built again - never loaded."""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

from app.core.files.own import (is_link, owned_by_me, private_folder, private_mode,
                             read_regular, trusted_folder, write_exclusive)
from app.i18n import _

ENV_DIR = "SITAT_INDEX_DIR"
STATE = "sitat-state.json"
KEY_BYTES = 32
MAX_STATE_BYTES = 256 * 1024 * 1024
# Files in an index folder that whoosh never reads as index data.
_NOT_INDEX = {STATE, "MAIN_WRITELOCK"}
_fallbacks: dict[str, Path] = {}  # project id -> temporary index folder of this process
_process_key: bytes | None = None


def cache_root() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sitat" / "index"


def key_path() -> Path:
    """The per-user key that signs search indexes (never inside an index folder)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sitat" / "index.key"


def index_key() -> bytes:
    """This user's signing key: read from `key_path()`, made there (0600, exclusively) the
    first time. When it cannot be kept safely - a folder others can write to, a key readable by
    others, a symbolic link - a key for this process only is used: indexes are then built
    again by each run, never trusted from an earlier one."""
    global _process_key
    path = key_path()
    try:
        if private_folder(path.parent):
            try:
                return _read_key(path)
            except FileNotFoundError:
                key = secrets.token_bytes(KEY_BYTES)
                try:
                    write_exclusive(path, key, 0o600)
                    return key
                except FileExistsError:
                    return _read_key(path)
    except (OSError, ValueError):
        pass
    if _process_key is None:
        _process_key = secrets.token_bytes(KEY_BYTES)
    return _process_key


def _read_key(path: Path) -> bytes:
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or not owned_by_me(info) or not private_mode(info):
        raise ValueError("the index key can be read or changed by others")
    key = read_regular(path, 4 * KEY_BYTES)
    if len(key) != KEY_BYTES:
        raise ValueError("the index key is damaged")
    return key


# -- the folder --------------------------------------------------------------------------------
def index_folder(project_id: str) -> tuple[Path, str]:
    """(folder for the project's index, warning or ""). The cache folder when it is this user's
    alone; otherwise a fresh temporary folder (made by mkdtemp, removed at exit)."""
    root = cache_root()
    folder = root / project_id
    why = _unusable(root, folder)
    if not why:
        return folder, ""
    fallback = _fallbacks.get(project_id)
    if fallback is None or not fallback.is_dir():
        fallback = Path(tempfile.mkdtemp(prefix="sitat-index-"))
        _fallbacks[project_id] = fallback
        atexit.register(shutil.rmtree, fallback, True)
    return fallback, _("The search index folder {folder} cannot be used ({why}); using a "
                       "temporary folder for now.").format(folder=folder, why=why)


def _unusable(root: Path, folder: Path) -> str:
    """Why `folder` (in `root`) cannot hold an index, or "" when it can (then it exists)."""
    try:
        if not root.exists() and not is_link(root) and not private_folder(root):
            return _("it cannot be created")
        info = os.stat(root)  # the root may be the user's own link (a cache on another disk)
    except OSError:
        return _("it cannot be created")
    if not trusted_folder(info):
        return _("it belongs to another user, or others can write to it")
    if is_link(folder):
        try:
            os.unlink(folder)  # never followed: Sitat makes a real folder in its place
        except OSError:
            return _("it is a symbolic link")
    if not private_folder(folder):
        return (_("it is not a folder") if os.path.lexists(folder) and not folder.is_dir()
                else _("it belongs to another user, or others can write to it")
                if os.path.lexists(folder) else _("it cannot be created"))
    if not os.access(folder, os.W_OK | os.X_OK):
        return _("it cannot be written")
    return ""


def clear_folder(folder: Path) -> None:
    """Remove everything inside the (checked) index folder, keeping the folder itself."""
    for entry in os.scandir(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except FileNotFoundError:
            pass


def drop_folders(project_id: str) -> None:
    """Remove the project's index folders (the cache's and this process's temporary one)."""
    folder = cache_root() / project_id
    if is_link(folder):
        os.unlink(folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    fallback = _fallbacks.pop(project_id, None)
    if fallback is not None:
        shutil.rmtree(fallback, ignore_errors=True)


# -- the signed state --------------------------------------------------------------------------
def file_mac(key: bytes, folder: Path, name: str) -> str:
    """HMAC-SHA256 of an index file's name and contents (read without following a link)."""
    mac = hmac.new(key, name.encode("utf-8") + b"\0", hashlib.sha256)
    fd = os.open(folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{name} is not a regular file")
        while chunk := os.read(fd, 1 << 20):
            mac.update(chunk)
    finally:
        os.close(fd)
    return mac.hexdigest()


def index_files(folder: Path) -> list[str]:
    """Names of the files whoosh may read in `folder` (anything but folders and Sitat's own)."""
    return sorted(e.name for e in os.scandir(folder)
                  if e.name not in _NOT_INDEX and not e.name.startswith(".sitat-")
                  and not e.is_dir(follow_symlinks=False))


def _state_mac(key: bytes, body: dict) -> str:
    return hmac.new(key, json.dumps(body, sort_keys=True).encode("utf-8"),
                    hashlib.sha256).hexdigest()


def read_state(folder: Path, key: bytes, version: str) -> dict:
    """The signed state of the index in `folder`: {"documents": {guid: fingerprint},
    "files": {name: mac}}; {} when missing, unsigned, of another version or malformed."""
    try:
        data = json.loads(read_regular(folder / STATE, MAX_STATE_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version:
        return {}
    mac = data.pop("mac", None)
    docs, files = data.get("documents"), data.get("files")
    if not (isinstance(mac, str) and isinstance(docs, dict) and isinstance(files, dict)
            and all(isinstance(k, str) and isinstance(v, str)
                    for m in (docs, files) for k, v in m.items())):
        return {}
    if not hmac.compare_digest(mac, _state_mac(key, data)):
        return {}
    return data


def write_state(folder: Path, key: bytes, version: str, docs: dict[str, str],
                files: dict[str, str]) -> None:
    """Sign and save the state (through an exclusive temporary file moved into place)."""
    body = {"version": version, "documents": docs, "files": files}
    body["mac"] = _state_mac(key, body)
    tmp = folder / f".sitat-{os.getpid()}-{secrets.token_hex(4)}.state"
    write_exclusive(tmp, json.dumps(body).encode("utf-8"))
    try:
        os.replace(tmp, folder / STATE)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def verify_files(folder: Path, key: bytes, files: dict[str, str],
                 known: dict[str, tuple]) -> bool:
    """Every file whoosh may read is listed in `files` with a matching signature (and nothing
    listed is missing). `known` caches name -> (size, mtime, mac) of files this process has
    signed or checked, so they are not read again while unchanged."""
    try:
        present = index_files(folder)
        if set(present) != set(files):
            return False
        for name in present:
            if not hmac.compare_digest(files[name], cached_mac(folder, key, name, known)):
                return False
    except OSError:
        return False
    return True


def cached_mac(folder: Path, key: bytes, name: str, known: dict[str, tuple]) -> str:
    info = os.lstat(folder / name)
    stamp = (info.st_size, info.st_mtime_ns, info.st_ino)
    have = known.get(name)
    if have is not None and have[0] == stamp:
        return have[1]
    mac = file_mac(key, folder, name)
    known[name] = (stamp, mac)
    return mac


def sign_files(folder: Path, key: bytes, known: dict[str, tuple]) -> dict[str, str]:
    """name -> signature of every index file now in `folder` (after Sitat wrote them)."""
    return {name: cached_mac(folder, key, name, known) for name in index_files(folder)}


__all__ = ["cache_root", "clear_folder", "drop_folders", "index_folder",
           "index_key", "read_state", "sign_files", "verify_files", "write_state"]
