"""Zip bundles: a .zip of report files, each report member read as a file of its own.

A member is named by the bundle's path, ``!/`` and the member's name, e.g. "报告.zip!/甲局.pdf".
Member names are sanitised (legacy GBK names decoded, ``..`` and absolute parts dropped, control
characters replaced); they are only shown and matched, never used to write anything.

The guards are those of the DOCX reader, applied before anything is inflated: the number of
members (read from the end record before the directory is parsed), their total uncompressed size,
and the compression ratio of each member. A member is read bounded by the bytes actually inflated.
Zips inside a bundle are not opened.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..errors import GongkaiError
from . import limits

SEPARATOR = "!/"
BUNDLE_SUFFIXES = frozenset({".zip"})
BOMB = "压缩包解压后过大，疑似压缩炸弹，已拒绝读取"
CORRUPT = "压缩包已损坏或不完整，无法打开"
# Limits of a bundle (each member is also bounded as a file: ``limits.MAX_FILE_BYTES``). Module
# attributes read at the time of use, like those of :mod:`.limits`.
_UTF8_FLAG = 0x800
_UNSAFE = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))


def split(path: str | Path) -> tuple[str, str] | None:
    """(bundle, member) for "bundle.zip!/member", None for any other path."""
    bundle, sep, member = str(path).partition(SEPARATOR)
    if not sep or not member or Path(bundle).suffix.lower() not in BUNDLE_SUFFIXES:
        return None
    return bundle, member


def member_path(bundle: str | Path, member: str) -> str:
    return f"{bundle}{SEPARATOR}{member}"


def declared_entries(tail: bytes) -> int | None:
    """The number of members a zip's end record declares (``tail``: the file's last bytes)."""
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    count: int = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF:  # Zip64: the count is in the Zip64 end record
        at64 = tail.rfind(b"PK\x06\x06", 0, at)
        if at64 >= 0 and len(tail) >= at64 + 40:
            count = struct.unpack_from("<Q", tail, at64 + 32)[0]
    return count


def _too_many(count: int | None, path: str | None) -> None:
    if count is not None and count > limits.MAX_BUNDLE_MEMBERS:
        raise GongkaiError(
            limits.too_big("压缩包中的文件数", count, limits.MAX_BUNDLE_MEMBERS, "个"), path
        )


def check_archive(members: list[zipfile.ZipInfo], path: str | None, total: int) -> None:
    """Refuse too many members, too much in all (``total`` bytes), or a member that is a bomb."""
    _too_many(len(members), path)
    if sum(m.file_size for m in members) > total or any(_bomb(m) for m in members):
        raise GongkaiError(BOMB, path)


def _bomb(m: zipfile.ZipInfo) -> bool:
    return m.file_size > limits.MAX_RATIO_MEMBER_BYTES and m.file_size > limits.MAX_RATIO * max(
        m.compress_size, 1
    )


def zip_names(data: bytes) -> list[str] | None:
    """The member names of a zip in memory; None when it is not a readable zip or holds too many
    members to list (the reader it goes to refuses it with its own message)."""
    count = declared_entries(data[-(65536 + 22) :])
    if count is not None and count > limits.MAX_BUNDLE_MEMBERS:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None  # (UnicodeDecodeError is a ValueError)


def check_package(data: bytes, path: str | None) -> None:
    """The DOCX guards for an Office package in memory (a workbook): refuse a bomb unread."""
    _too_many(declared_entries(data[-(65536 + 22) :]), path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return  # the reader reports the damage in its own words
    check_archive(members, path, limits.MAX_UNZIPPED_BYTES)
    for m in members:  # an XML part is parsed into a tree several times its size
        if m.filename.lower().endswith((".xml", ".rels")) and m.file_size > limits.MAX_XML_BYTES:
            size, limit = m.file_size // limits.MB, limits.MAX_XML_BYTES // limits.MB
            raise GongkaiError(limits.too_big(f"文件内容（{m.filename}）", size, limit, "MB"), path)


# -- bundles on disk -----------------------------------------------------------------------------


def _open_file(bundle: str) -> BinaryIO:
    """The bundle, opened only when it is a regular file (never a FIFO or a device)."""
    try:
        info = os.stat(bundle)
    except FileNotFoundError:
        raise GongkaiError("压缩包不存在", bundle) from None
    except OSError as exc:
        raise GongkaiError(f"无法访问压缩包（{exc.strerror or exc}）", bundle) from None
    if not stat.S_ISREG(info.st_mode):
        raise GongkaiError("不是普通文件（可能是设备、管道或终端），不读取", bundle)
    try:
        fd = os.open(
            bundle, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        )
    except OSError as exc:
        raise GongkaiError(f"无法打开压缩包（{exc.strerror or exc}）", bundle) from None
    f = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
        f.close()
        raise GongkaiError("不是普通文件（可能是设备、管道或终端），不读取", bundle)
    return f


def _entries(bundle: str) -> tuple[BinaryIO, zipfile.ZipFile, list[tuple[str, zipfile.ZipInfo]]]:
    """The open bundle and its file members by sanitised name (guards applied, first of a name)."""
    f = _open_file(bundle)
    try:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - (65536 + 22)))
        _too_many(declared_entries(f.read()), bundle)
        f.seek(0)
        archive = zipfile.ZipFile(f)
    except UnicodeDecodeError:
        f.close()
        raise GongkaiError(f"{CORRUPT}（压缩包中的文件名不是有效的 UTF-8 编码）", bundle) from None
    except GongkaiError:
        f.close()
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        f.close()
        raise GongkaiError(CORRUPT, bundle) from None
    try:
        members = archive.infolist()
        check_archive(members, bundle, limits.MAX_BUNDLE_UNZIPPED_BYTES)
    except GongkaiError:
        archive.close()
        f.close()
        raise
    named: dict[str, zipfile.ZipInfo] = {}
    for m in members:
        name = clean_name(m)
        if name and not m.is_dir() and name not in named:
            named[name] = m
    return f, archive, list(named.items())


def clean_name(info: zipfile.ZipInfo) -> str:
    """A member's name fit to show: decoded, relative, without control characters."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:  # zipfile decoded the bytes as cp437
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = b""
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding) if raw else name
                break
            except UnicodeDecodeError:
                continue
    name = "".join("_" if unicodedata.category(c) in _UNSAFE else c for c in name)
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def members(bundle: str) -> list[tuple[str, zipfile.ZipInfo]]:
    """The bundle's file members by sanitised name; raises GongkaiError for a refused bundle."""
    f, archive, named = _entries(bundle)
    archive.close()
    f.close()
    return named


def refusal(path: str | None) -> GongkaiError:
    """Why a zip bundle read as one file is not one report (or why it cannot be opened)."""
    if path is not None and Path(path).is_file():
        count = len(members(path))  # a refused bundle raises its own message here
        return GongkaiError(
            f"这是压缩包（含 {count} 个文件），不是一份报告；请用 gongkai extract/check/"
            "summarize 读取压缩包或其所在目录（逐个读取其中的报告），或解压后读取",
            path,
        )
    return GongkaiError("这是压缩包，不是一份报告；请解压后读取其中的报告", path)


def read_member(bundle: str, member: str, limit: int | None = None) -> bytes:
    """A member's bytes, at most ``limit`` (default ``limits.MAX_FILE_BYTES``) + 1 of them."""
    where = member_path(bundle, member)
    cap = limits.MAX_FILE_BYTES if limit is None else limit
    f, archive, named = _entries(bundle)
    try:
        info = dict(named).get(member)
        if info is None:
            raise GongkaiError("压缩包中没有这个文件", where)
        if PurePosixPath(member).suffix.lower() in BUNDLE_SUFFIXES:
            raise GongkaiError("压缩包中的压缩包不展开读取", where)
        try:
            with archive.open(info) as stream:
                return stream.read(cap + 1)  # bounded by what is inflated, not by the header
        except RuntimeError:  # encrypted
            raise GongkaiError("压缩包中的文件有密码保护，无法读取", where) from None
        except NotImplementedError:
            raise GongkaiError("压缩包中的文件使用了不支持的压缩方式", where) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise GongkaiError(f"压缩包中的文件已损坏（{type(exc).__name__}）", where) from None
    finally:
        archive.close()
        f.close()
