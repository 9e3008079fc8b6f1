"""clone_file: the cheapest copy the filesystem offers, the same bytes whichever way it went."""

from __future__ import annotations

import errno
import os

import pytest

import pipelines.clone as clone


def _unsupported(*args, **kwargs):
    raise OSError(errno.EOPNOTSUPP, "Operation not supported")


@pytest.fixture
def src(tmp_path):
    p = tmp_path / "w.duckdb"
    p.write_bytes(os.urandom(3 * 2**20 + 17))  # not a multiple of any block size
    p.chmod(0o640)
    return p


def test_a_clone_has_the_same_bytes_mode_and_time(src, tmp_path):
    dst = tmp_path / "w.duckdb.building"
    dst.write_bytes(b"left over from a killed run, longer than nothing")
    how = clone.clone_file(src, dst)
    assert how in ("reflink", "kernel", "copy")
    assert dst.read_bytes() == src.read_bytes()
    assert (dst.stat().st_mode & 0o777) == 0o640
    assert dst.stat().st_mtime_ns == src.stat().st_mtime_ns


def test_without_reflink_or_kernel_copy_it_falls_back_to_a_plain_copy(src, tmp_path, monkeypatch):
    monkeypatch.setattr(clone.fcntl, "ioctl", _unsupported)
    monkeypatch.setattr(clone.os, "copy_file_range", _unsupported)
    dst = tmp_path / "copy"
    assert clone.clone_file(src, dst) == "copy"
    assert dst.read_bytes() == src.read_bytes()


def test_a_real_failure_is_not_swallowed(src, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(clone.fcntl, "ioctl", _unsupported)
    monkeypatch.setattr(clone.os, "copy_file_range", broken)
    with pytest.raises(OSError) as exc:
        clone.clone_file(src, tmp_path / "copy")
    assert exc.value.errno == errno.EIO
