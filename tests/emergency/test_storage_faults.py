"""A media directory that is full or read-only (a tmpfs of one page): uploads and summaries say so
in Chinese, and nothing half-written is left on disk."""

import io
import subprocess

import pytest
from django.urls import reverse

from emergency import tasks
from emergency.models import ImportJob
from tests.factories import workbook

from .conftest import YEAR

STORAGE_FULL = "服务器存储空间不足，请联系管理员"
HEADERS = ["单位代码", "单位名称", "上级单位代码", "单位类型", "学段"]


@pytest.fixture(params=["size=4k", "size=4k,ro"], ids=["full", "read-only"])
def small_media(request, tmp_path, settings):
    """The media directory on a tmpfs of one page, which the first file of any size fills."""
    root = tmp_path / "media"
    root.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", request.param, "tmpfs", str(root)], capture_output=True)
    # The suite runs as root on the project's machines (CI too): a full disk is made, never assumed.
    assert mounted.returncode == 0, f"a tmpfs could not be mounted: {mounted.stderr.decode()}"
    settings.MEDIA_ROOT = root
    yield root
    subprocess.run(["umount", str(root)], check=True)


def files_in(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_an_upload_to_a_full_disk_says_so_and_keeps_nothing(client, personas, small_media):
    client.force_login(personas.district_staff)
    f = io.BytesIO(workbook(HEADERS, [[f"SST{i:03d}", f"A区第{i}小学", "DA", "学校", "小学"] for i in range(300)]))
    f.name = "many.xlsx"
    response = client.post(reverse("emergency:import_upload", args=["orgs"]), {"file": f})
    assert response.status_code == 200
    assert STORAGE_FULL in response.content.decode()
    assert not ImportJob.objects.exists()
    assert files_in(small_media) == []


def test_a_summary_on_a_full_disk_fails_in_chinese_keeps_nothing_and_can_be_compiled_again(
    transactional_db, client, personas, known_tree, small_media
):
    run = tasks.start_summary(known_tree.city, YEAR, personas.city_staff)
    tasks.compile_summary.run(run.pk)  # what the worker does with the message
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", STORAGE_FULL)
    assert files_in(small_media) == []
    client.force_login(personas.city_staff)
    page = client.get(run.get_absolute_url()).content.decode()
    assert STORAGE_FULL in page and reverse("emergency:summaryrun_rerun", args=[run.pk]) in page
