"""Where uploaded files and the summary's workbooks are kept: the media directory, which can fill up
or turn read-only under us."""

from __future__ import annotations

import contextlib
import errno
import os

from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

# What a full, over-quota or read-only disk answers a write with.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}


class StorageUnavailable(Exception):
    """The media directory took no more: nothing of the file was kept."""

    def __init__(self) -> None:
        super().__init__(_("服务器存储空间不足，请联系管理员"))


class MediaStorage(FileSystemStorage):
    """Django's file system storage that, when the disk refuses a write, removes what it had written
    instead of leaving a truncated file, and says so in Chinese."""

    def _save(self, name: str, content) -> str:
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in NO_ROOM:
                raise
            # Our names are random (models.upload_path), so the file at this name is the one begun here.
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise StorageUnavailable from exc
