"""Large imports run in a real Celery worker and report progress on the job row."""

import io

from django.urls import reverse
from django.utils import timezone

from emergency.models import ImportJob, Organization
from tests.factories import workbook
from tests.worker import celery_worker, wait_for  # noqa: F401

HEADERS = ["单位代码", "单位名称", "上级单位代码", "单位类型", "学段"]


def test_large_file_is_validated_and_written_by_the_worker(client, personas, celery_worker, settings):  # noqa: F811
    settings.IMPORT_BACKGROUND_ROWS = 50
    rows = [[f"SAX{i:04d}", f"A区第{i}小学", "DA", "学校", "小学"] for i in range(300)]
    client.force_login(personas.district_staff)
    f = io.BytesIO(workbook(HEADERS, rows))
    f.name = "many.xlsx"
    client.post(reverse("emergency:import_upload", args=["orgs"]), {"file": f})
    job = ImportJob.objects.get()
    progress = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200
    wait_for(lambda: ImportJob.objects.get().status == "ready")
    job.refresh_from_db()
    assert job.to_add == 300
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    wait_for(lambda: ImportJob.objects.get().status == "done")
    assert Organization.objects.filter(code__startswith="SAX").count() == 300
    finished = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"


def test_a_redelivered_write_does_nothing_twice(personas, transactional_db, settings):
    from emergency import registry, tasks

    settings.IMPORT_BACKGROUND_ROWS = 10_000
    job = tasks.start_import(
        registry.import_specs["orgs"],
        personas.district_staff,
        "a.xlsx",
        workbook(HEADERS, [["SAY1", "某校", "DA", "学校", "小学"]]),
    )
    job.status, job.confirmed_at = "queued", timezone.now()
    job.save()
    tasks.apply_import.run(job.pk)
    tasks.apply_import.run(job.pk)  # delivered again after a lost acknowledgement
    assert Organization.objects.filter(code="SAY1").count() == 1
    job.refresh_from_db()
    assert job.status == "done"
