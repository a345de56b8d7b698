"""The import engine, through its first kind (orgs), in the browser and at the command line."""

import io
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from emergency import registry
from emergency.imports import apply, template_workbook, validate
from emergency.models import ImportJob, Organization
from tests.factories import make_org, workbook

HEADERS = [
    "单位代码",
    "单位名称",
    "上级单位代码",
    "单位类型",
    "学段",
    "地址",
    "联系人",
    "联系电话",
    "在校学生数",
    "教职工数",
]


def upload(client, data: bytes, name="orgs.xlsx"):
    f = io.BytesIO(data)
    f.name = name
    return client.post(reverse("emergency:import_upload", args=["orgs"]), {"file": f})


def good_rows():
    return [
        ["SA3", "A区第三小学", "DA", "学校", "小学", "", "王老师", "123", 800, 60],
        ["DA2", "A区第二学区", "DA", "区县教育局", "", "", "", "", None, None],
        ["SA4", "A区第四中学", "DA2", "学校", "初中", "", "", "", "1,200", "７０"],
    ]


def test_template_has_every_column_dropdowns_and_instructions(db):
    book = load_workbook(io.BytesIO(template_workbook(registry.import_specs["orgs"])))
    data = book["单位"]
    assert [c.value.lstrip("★") for c in data[1]] == HEADERS
    assert data["A1"].comment is not None
    assert any("D2" in str(dv.sqref) for dv in data.data_validations.dataValidation)
    assert "填写说明" in book.sheetnames


def test_good_file_previews_then_writes_in_one_go(client, personas):
    client.force_login(personas.district_staff)
    response = upload(client, workbook(HEADERS, good_rows()))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.to_add, job.to_update) == ("ready", 3, 0)
    assert not Organization.objects.filter(code="SA3").exists()  # preview writes nothing
    page = client.get(job.get_absolute_url()).content.decode()
    assert "A区第三小学" in page and "新增 3 行" in page
    client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Organization.objects.get(code="SA4").path == "/C/DA/DA2/SA4/"
    assert Organization.objects.get(code="SA4").students == 1200
    assert Organization.objects.get(code="SA4").staff_count == 70  # full-width digits


def test_same_file_twice_adds_nothing(client, personas):
    client.force_login(personas.district_staff)
    data = workbook(HEADERS, good_rows())
    for _ in range(2):
        upload(client, data)
        job = ImportJob.objects.latest("pk")
        client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.to_add, job.to_update, job.unchanged) == (0, 0, 3)
    assert Organization.objects.filter(code__in=["SA3", "SA4", "DA2"]).count() == 3


def test_bad_rows_are_all_listed_and_nothing_is_written(client, personas):
    client.force_login(personas.district_staff)
    rows = [
        ["SA3", "A区第三小学", "DA", "学校", "小学", "", "", "", -5, None],
        ["SB7", "越界学校", "DB", "学校", "小学", "", "", "", None, None],
        ["SA5", "", "DA", "大学", "小学", "", "", "", "很多", None],
        ["SA3", "重复", "DA", "学校", "小学", "", "", "", None, None],
        ["SA6", "好的一行", "DA", "学校", "小学", "", "", "", 100, 10],
    ]
    upload(client, workbook(HEADERS, rows))
    job = ImportJob.objects.get()
    assert job.status == "failed"
    errors = "\n".join(job.errors)
    assert "第2行 在校学生数: 不能为负数" in errors
    assert "第3行 上级单位代码: “DB”不存在或不在您的管辖范围内" in errors
    assert "第4行 单位名称: 必须填写" in errors
    assert "第4行 单位类型: “大学”不是可选值" in errors
    assert "第4行 在校学生数: “很多”不是数字" in errors
    assert "第5行: 与第2行重复" in errors
    assert not Organization.objects.filter(code__in=["SA3", "SA5", "SA6", "SB7"]).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "未写入任何数据" in page and "第3行 上级单位代码" in page


def test_wrong_headers_are_named(personas):
    data = workbook(["单位代码", "单位名", "单位类型"], [["X1", "某校", "学校"]])
    result = validate(registry.import_specs["orgs"], "a.xlsx", data, personas.city_staff)
    assert "第1行 单位名: 不是“单位”模板的列，请使用下载的模板" in result.errors
    assert "第1行 单位名称: 缺少必填列" in result.errors


def test_school_officer_updates_own_school_but_cannot_add_one(personas):
    spec = registry.import_specs["orgs"]
    own = validate(
        spec,
        "a.xlsx",
        workbook(HEADERS, [["SA1", "A区第一小学", "DA", "学校", "小学", "", "", "", 999, 50]]),
        personas.officer_a,
    )
    assert own.ok and len(own.to_update) == 1
    new = validate(
        spec,
        "a.xlsx",
        workbook(HEADERS, [["SA8", "新校", "SA1", "学校", "小学", "", "", "", 1, 1]]),
        personas.officer_a,
    )
    assert any("学校不能作为上级单位" in e for e in new.errors)


def test_oversized_file_is_refused_before_parsing(client, personas, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(personas.city_staff)
    response = upload(client, workbook(HEADERS, good_rows() * 30))
    assert "超过上限" in response.content.decode()
    assert not ImportJob.objects.exists()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_zip_bomb_is_refused(client, personas):
    client.force_login(personas.city_staff)
    bomb = _zip({"xl/worksheets/sheet1.xml": b"<a>" + b"0" * 30_000_000 + b"</a>"})
    assert len(bomb) < 1_000_000
    response = upload(client, bomb)
    assert "疑似压缩炸弹" in response.content.decode()


def test_xml_bomb_is_refused(personas):
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>'
    data = _zip({"[Content_Types].xml": lol, "xl/workbook.xml": b"<workbook/>"})
    result = validate(registry.import_specs["orgs"], "a.xlsx", data, personas.city_staff)
    assert any("XML 炸弹" in e for e in result.errors)


def test_renamed_file_is_not_a_spreadsheet(personas):
    result = validate(registry.import_specs["orgs"], "a.xlsx", b"%PDF-1.4 not a workbook", personas.city_staff)
    assert result.errors == ["文件内容不是表格（可能是改了扩展名的其他文件）"]


def test_leader_cannot_upload(client, personas):
    client.force_login(personas.leader)
    assert client.get(reverse("emergency:import_upload", args=["orgs"])).status_code == 403


def test_someone_elses_import_job_is_404(client, personas):
    client.force_login(personas.district_staff)
    upload(client, workbook(HEADERS, good_rows()))
    job = ImportJob.objects.get()
    client.force_login(personas.officer_b)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("emergency:importjob_confirm", args=[job.pk])).status_code == 404


def test_command_line_import_and_template(tmp_path, personas):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook(HEADERS, good_rows()))
    call_command("import_records", "orgs", str(path), "--user", "district_staff", "--dry-run")
    assert not Organization.objects.filter(code="SA3").exists()
    call_command("import_records", "orgs", str(path), "--user", "district_staff")
    assert Organization.objects.filter(code__in=["SA3", "SA4", "DA2"]).count() == 3
    out = tmp_path / "t.xlsx"
    call_command("export_template", "orgs", str(out))
    assert load_workbook(out).sheetnames[0] == "单位"


def test_command_line_import_with_errors_fails_and_writes_nothing(tmp_path, personas, capsys):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook(HEADERS, [["SB5", "越界", "DB", "学校", "", "", "", "", None, None]]))
    with pytest.raises(CommandError, match="1 个错误"):
        call_command("import_records", "orgs", str(path), "--user", "district_staff")
    assert "第2行 上级单位代码" in capsys.readouterr().err
    assert not Organization.objects.filter(code="SB5").exists()


def test_export_of_the_filtered_list_reimports_unchanged(client, personas):
    client.force_login(personas.district_staff)
    response = client.get(reverse("emergency:organization_list") + "?export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    assert list(rows[0]) == HEADERS
    assert {r[0] for r in rows[1:]} == {"DA", "SA1", "SA2"}  # district A's subtree only
    result = validate(registry.import_specs["orgs"], "e.xlsx", response.content, personas.district_staff)
    assert result.ok, result.errors
    assert (len(result.to_add), len(result.to_update), result.unchanged) == (0, 0, 3)


def test_a_row_with_a_blank_optional_cell_is_kept(personas):
    rows = [["SA7", "A区第七小学", "DA", "学校", "", "", "", "", None, None]]
    result = validate(registry.import_specs["orgs"], "a.xlsx", workbook(HEADERS, rows), personas.district_staff)
    assert result.ok and len(result.to_add) == 1


def test_the_quote_an_export_adds_is_taken_off_again(personas):
    rows = [["SA7", "'=A区第七小学", "DA", "学校", "", "", "", "", None, None]]
    result = validate(registry.import_specs["orgs"], "a.xlsx", workbook(HEADERS, rows), personas.district_staff)
    assert result.to_add[0].values["name"] == "=A区第七小学"


def test_a_register_moving_a_bureau_keeps_every_path_below_it(personas):
    """DA2 moves from DA to DB in the same file that corrects a school two levels below it, whose own
    parent (DA3) is not in the file: the school's row keeps its place, and its path follows the
    move instead of being written back from DA3 as it was read before."""
    city = Organization.objects.get(code="C")
    da2 = make_org("DA2", parent=Organization.objects.get(code="DA"), kind="district")
    da3 = make_org("DA3", parent=da2, kind="district")
    school = make_org("SA9", parent=da3, kind="school", stage="primary", phone="111")
    rows = [
        ["DA2", da2.name, "DB", "区县教育局", "", "", "", "", None, None],
        ["SA9", school.name, "DA3", "学校", "小学", "", "", "999", None, None],
    ]
    result = validate(registry.import_specs["orgs"], "a.xlsx", workbook(HEADERS, rows), personas.city_staff)
    assert result.ok, result.errors
    assert len(result.to_update) == 2
    apply(registry.import_specs["orgs"], result, personas.city_staff, source="test")
    school.refresh_from_db()
    assert (school.path, school.depth, school.phone) == ("/C/DB/DA2/DA3/SA9/", 4, "999")
    assert Organization.objects.get(code="DA3").path == "/C/DB/DA2/DA3/"
    assert city.path == "/C/"
    events = school.events.order_by("pgh_id")  # the correction is in the school's history
    assert events.last().phone == "999"


def test_formula_error_cells_are_row_errors_not_blanks(client, personas):
    """calamine reads #REF! and #DIV/0! as empty cells: the required name would read as missing and
    the optional count would silently be dropped. Both are named as the formula errors they are."""
    client.force_login(personas.district_staff)
    rows = [
        ["SA7", "#REF!", "DA", "学校", "小学", "", "", "", None, None],
        ["SA8", "A区第八小学", "DA", "学校", "小学", "", "", "", "#DIV/0!", "#N/A"],
    ]
    data = workbook(HEADERS, rows)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="B2" t="e"><v>#REF!</v></c>' in sheet  # a real error cell, as Excel stores one
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert job.errors == [
        "第2行 单位名称: 单元格是公式错误 #REF!",
        "第3行 在校学生数: 单元格是公式错误 #DIV/0!",
        "第3行 教职工数: 单元格是公式错误 #N/A",
    ]
    assert not Organization.objects.filter(code__in=["SA7", "SA8"]).exists()


def _cfb(names: list[str]) -> bytes:
    """An OLE (CFB) container of 512-byte sectors whose directory, two sectors long, holds `names`:
    sector 0 is the FAT, sectors 1 and 2 the directory (four entries of 128 bytes each)."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += bytes(6) + struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *[free] * 108)  # the FAT is sector 0
    fat = struct.pack("<128I", fat_sector, 2, end, *[free] * 125)
    entries = b""
    for kind, name in enumerate(names):
        encoded = (name + "\0").encode("utf-16-le")
        entries += encoded.ljust(64, b"\0") + struct.pack("<HB", len(encoded), 5 if kind == 0 else 2)
        entries += bytes(128 - 67)
    return header + fat + entries.ljust(1024, b"\0")


def test_a_password_protected_workbook_is_said_to_be_encrypted(client, personas):
    names = ["Root Entry", "\x06DataSpaces", "Version", "EncryptionInfo", "EncryptedPackage"]
    client.force_login(personas.city_staff)
    response = upload(client, _cfb(names))
    assert "文件已加密，请取消密码保护后再上传" in response.content.decode()
    assert not ImportJob.objects.exists()
    # An .xls is the same container without that stream: it goes on to be read.
    result = validate(registry.import_specs["orgs"], "a.xls", _cfb(names[:4]), personas.city_staff)
    assert result.errors == ["文件无法读取：不是有效的 Excel/WPS/ODS 表格，或已损坏"]


def test_a_container_that_panics_the_reader_is_a_broken_file(client, personas):
    """A sound container whose "Workbook" stream starts at sector 3 makes calamine's Rust code panic
    (pyo3's PanicException is a BaseException, which `except Exception` lets through as a 500)."""
    data = bytearray(_cfb(["Root Entry", "Workbook"]))
    struct.pack_into("<I", data, 1024 + 128 + 116, 3)  # the second directory entry's first sector
    data = bytes(data)
    result = validate(registry.import_specs["orgs"], "a.xls", data, personas.city_staff)
    assert result.errors == ["文件无法读取：不是有效的 Excel/WPS/ODS 表格，或已损坏"]
    client.force_login(personas.city_staff)
    job_page = client.get(upload(client, data, name="a.xls").url)
    assert "文件无法读取" in job_page.content.decode()
    assert ImportJob.objects.get().status == "failed"


def test_a_real_xls_is_read_past_the_container_checks(client, personas):
    """tests/emergency/files/orgs.xls was saved by xlwt, as old Excel saves an .xls: the container
    checks that refuse looping chains must let a real one through."""
    data = (Path(__file__).parent / "files" / "orgs.xls").read_bytes()
    client.force_login(personas.district_staff)
    job = ImportJob.objects.get(pk=upload(client, data, name="orgs.xls").url.split("/")[-2])
    assert (job.status, job.to_add) == ("ready", 1), job.message


def test_a_container_whose_sector_chain_loops_is_refused_before_calamine(personas):
    """calamine follows a chain that loops back on itself until the memory runs out."""
    data = bytearray(_cfb(["Root Entry", "Workbook"]))
    struct.pack_into("<I", data, 512 + 8, 1)  # sector 2 (the directory's second) points back to sector 1
    result = validate(registry.import_specs["orgs"], "a.xls", bytes(data), personas.city_staff)
    assert result.errors == ["文件已损坏，无法打开（文件结构错误）"]


def test_rows_read_from_another_sheet_name_the_sheet(client, personas, tmp_path, capsys):
    client.force_login(personas.district_staff)
    data = workbook(HEADERS, good_rows(), title="我的单位")
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.status == "ready"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "文件中没有工作表“单位”，读取的是工作表“我的单位”" in page
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(data)
    call_command("import_records", "orgs", str(path), "--user", "district_staff", "--dry-run")
    assert "读取的是工作表“我的单位”" in capsys.readouterr().out
    template = template_workbook(registry.import_specs["orgs"])
    assert not validate(registry.import_specs["orgs"], "t.xlsx", template, personas.district_staff).notice


def test_a_huge_number_is_shortened_in_its_error(personas):
    rows = [["SA7", "A区第七小学", "DA", "学校", "小学", "", "", "", 1e308, None]]
    result = validate(registry.import_specs["orgs"], "a.xlsx", workbook(HEADERS, rows), personas.district_staff)
    digits = str(int(1e308))
    assert len(digits) == 309
    assert result.errors == [f"第2行 在校学生数: 数字过大（{digits[:20]}…）"]
