"""The roster builder (a month proposed from a leader rotation and an officer rotation, holidays
marked or skipped) and the printable Excel of the monthly roster and the duty responsibility table
(值班工作人员责任表)."""

from __future__ import annotations

import calendar
import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from emergency.excel import HEADER_FILL, HEADER_FONT, safe_text
from emergency.models import LeadershipGroup, LeadershipMember, Organization
from emergency.text import chinese_date

from . import conf
from .choices import SERIOUS_LEVELS, IncidentLevel, ShiftKind, SwapPosition
from .models import DutyShift, Holiday, is_current

WEEKDAYS = "一二三四五六日"
PATTERN_FULL = "full"
PATTERN_DAY_NIGHT = "day_night"
PATTERNS = ((PATTERN_FULL, _lazy("全天（每天一班，24小时）")), (PATTERN_DAY_NIGHT, _lazy("白班 + 夜班（每天两班）")))
HOLIDAY_MARK = "mark"
HOLIDAY_SKIP = "skip"


def weekday_label(day: datetime.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def month_days(year: int, month: int) -> list[datetime.date]:
    return [datetime.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def parse_names(text: str) -> list[str]:
    """Names typed one a line or separated by 、 , ; — in order, each once."""
    names = [n.strip() for n in re.split(r"[\n\r、,，;；]+", text or "")]
    return list(dict.fromkeys(n for n in names if n))


@dataclass
class Proposal:
    """One proposed shift of the builder's editable preview."""

    date: datetime.date
    shift: str
    leader: LeadershipMember | None
    officer_1: str
    officer_2: str
    phone: str
    holiday: str = ""
    existing: DutyShift | None = None
    problem: str = ""

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def shift_label(self) -> str:
        return str(ShiftKind(self.shift).label)


def group_members(org: Organization) -> list[LeadershipMember]:
    group = LeadershipGroup.objects.filter(organization=org).first()
    return list(group.members.all()) if group else []


def propose_month(
    org: Organization,
    year: int,
    month: int,
    pattern: str,
    leaders: Sequence[str],
    officers: Sequence[str],
    phone: str = "",
    holidays: str = HOLIDAY_MARK,
    leader_start: int = 0,
    officer_start: int = 0,
) -> list[Proposal]:
    """Shifts for every day of the month. The leader rotation gives one 带班领导 a day (both
    shifts of a day share the leader, so duty is led round the clock), passing over anyone not a
    current member of the group on that day; the officer rotation gives each shift the next two
    officers. Holidays are marked, or skipped (left for a separate holiday roster) without using
    anyone's turn."""
    members = group_members(org)
    if not members:
        raise ValidationError(_("%(o)s尚未成立领导小组或没有成员，带班领导须是领导小组成员") % {"o": org.name})
    by_name: dict[str, list[LeadershipMember]] = {}
    for m in members:
        by_name.setdefault(m.name, []).append(m)
    unknown = [n for n in leaders if n not in by_name]
    if unknown:
        raise ValidationError(_("不是本单位领导小组成员：%(n)s") % {"n": "、".join(unknown)})
    if not leaders:
        raise ValidationError(_("请至少填写一位带班领导"))
    if len(officers) < 2:
        raise ValidationError(_("双人双岗：值班人员轮换至少需要两人"))
    days = month_days(year, month)
    calendar_days = {h.date: h for h in Holiday.objects.filter(date__gte=days[0], date__lte=days[-1])}
    existing = {
        (s.date, s.shift): s
        for s in DutyShift.objects.filter(organization=org, date__gte=days[0], date__lte=days[-1]).select_related(
            "leader"
        )
    }
    kinds = [ShiftKind.FULL] if pattern == PATTERN_FULL else [ShiftKind.DAY, ShiftKind.NIGHT]
    leader_turn, officer_turn = leader_start % len(leaders), (officer_start % len(officers))
    proposals = []
    for day in days:
        holiday = calendar_days.get(day)
        if holiday and not holiday.is_workday and holidays == HOLIDAY_SKIP:
            continue
        leader = None
        for step in range(len(leaders)):
            name = leaders[(leader_turn + step) % len(leaders)]
            current = [m for m in by_name[name] if is_current(m, day)]
            if current:
                leader = current[0]
                leader_turn = (leader_turn + step + 1) % len(leaders)
                break
        label = ""
        if holiday:
            label = f"{holiday.name}（调休上班）" if holiday.is_workday else holiday.name
        for kind in kinds:
            first = officers[officer_turn % len(officers)]
            second = officers[(officer_turn + 1) % len(officers)]
            officer_turn = (officer_turn + 2) % len(officers)
            proposals.append(
                Proposal(
                    date=day,
                    shift=kind,
                    leader=leader,
                    officer_1=first,
                    officer_2=second,
                    phone=phone,
                    holiday=label,
                    existing=existing.get((day, kind)),
                    problem="" if leader else _("当日没有在任的带班领导"),
                )
            )
    return proposals


# ---- printable Excel --------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HOLIDAY_FILL = PatternFill("solid", fgColor="FCE4D6")
GAP_FILL = PatternFill("solid", fgColor="FFC7CE")

LEADER_DUTIES = (
    "负责当班期间值班工作的组织领导；督促检查值班人员在岗履职；遇突发事件立即组织先期处置，"
    "按规定时限向上级报告并协调相关科室。"
)
OFFICER_DUTIES = (
    "双人双岗、24小时在岗；接听值班电话、接收文电，做好值班记录；发生突发事件立即报告带班领导，"
    "按规定时限报送初报、续报、终报；认真做好交接班。"
)


def _text(value) -> str:
    return safe_text(str(value)) if value not in (None, "") else ""


def _sheet(title: str, widths: Sequence[int]):
    book = Workbook()
    ws = book.active
    ws.title = title[:31]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    # A4, fitted to the page width, the header row repeated on every printed page.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    return book, ws


def _title(ws, row: int, text: str, columns: int, size: int = 16) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row=row, column=1, value=_text(text))
    cell.font = Font(bold=True, size=size)
    cell.alignment = CENTER
    ws.row_dimensions[row].height = 30 if size > 12 else 20


def _header(ws, row: int, headers: Sequence[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=column, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, CENTER, BORDER
    ws.print_title_rows = f"{row}:{row}"
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _row(ws, row: int, values: Sequence, fill: PatternFill | None = None, align=CENTER) -> None:
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column, value=_text(value) if isinstance(value, str) else value)
        cell.border, cell.alignment = BORDER, align
        if fill:
            cell.fill = fill


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def limits_sentence() -> str:
    limits = conf.report_limits()
    serious = conf.describe_limit(max(limits[level] for level in SERIOUS_LEVELS))
    general = conf.describe_limit(limits[IncidentLevel.GENERAL])
    return _(
        "信息报送时限：较大及以上突发事件获知后%(serious)s内初报，一般突发事件%(general)s内初报；续报、终报及时跟进。"
    ) % {
        "serious": serious,
        "general": general,
    }


def roster_workbook(
    org: Organization, year: int, month: int, shifts: Sequence[DutyShift], prepared_by: str = ""
) -> bytes:
    """The month's roster on one A4 page a fortnight or so: every day, its shifts, the hours, the
    带班领导 and both officers, holidays shaded and days with no shift marked 未排班."""
    headers = ["日期", "星期", "班次", "值班时间", "带班领导", "值班人员", "联系电话", "备注"]
    book, ws = _sheet(f"{year}年{month}月值班表", [14, 8, 8, 16, 12, 20, 16, 18])
    _title(ws, 1, f"{org.name}{year}年{month}月值班表", len(headers))
    _title(ws, 2, "实行领导班子成员带班、双人双岗、24小时值班制度。" + limits_sentence(), len(headers), size=10)
    ws.cell(row=2, column=1).alignment = LEFT
    ws.row_dimensions[2].height = 32
    _header(ws, 3, headers)
    days = month_days(year, month)
    holidays = {h.date: h for h in Holiday.objects.filter(date__gte=days[0], date__lte=days[-1])}
    by_day: dict[datetime.date, list[DutyShift]] = {}
    for shift in shifts:
        by_day.setdefault(shift.date, []).append(shift)
    row = 4
    for day in days:
        holiday = holidays.get(day)
        note = ""
        if holiday:
            note = f"{holiday.name}（调休上班）" if holiday.is_workday else holiday.name
        fill = HOLIDAY_FILL if holiday and not holiday.is_workday else None
        day_shifts = by_day.get(day, [])
        if not day_shifts:
            _row(
                ws,
                row,
                [chinese_date(day), weekday_label(day)[2:], "", "", "", "", "", (note + " 未排班").strip()],
                GAP_FILL,
            )
            row += 1
            continue
        first_row = row
        for shift in day_shifts:
            remarks = [note] if note else []
            if not shift.leader_is_current:
                remarks.append("带班领导不是当日领导小组成员")
            _row(
                ws,
                row,
                [
                    chinese_date(day),
                    weekday_label(day)[2:],
                    shift.get_shift_display(),
                    shift.hours,
                    shift.leader.name,
                    f"{shift.officer_1}、{shift.officer_2}",
                    shift.phone,
                    "；".join(remarks),
                ],
                fill,
            )
            row += 1
        if row - first_row > 1:
            for column in (1, 2):
                ws.merge_cells(start_row=first_row, start_column=column, end_row=row - 1, end_column=column)
    row += 1
    ws.cell(row=row, column=1, value=_text(f"制表：{prepared_by}"))
    ws.cell(row=row, column=4, value="审核：")
    ws.cell(row=row, column=6, value=f"制表日期：{chinese_date(timezone.localdate())}")
    return _save(book)


@dataclass
class DutyPerson:
    """One line of the responsibility table: a person, their post, and how often they serve."""

    name: str
    post: str
    title: str
    phone: str
    dates: list[datetime.date]
    duties: str


def responsibility_rows(shifts: Sequence[DutyShift]) -> list[DutyPerson]:
    """带班领导 first (in group order), then officers in order of first duty; swaps are already
    in the shifts, so the table names who actually serves."""
    leaders: dict[int, DutyPerson] = {}
    officers: dict[str, DutyPerson] = {}
    for shift in shifts:
        leader = shift.leader
        person = leaders.setdefault(
            leader.pk,
            DutyPerson(leader.name, str(SwapPosition.LEADER.label), leader.title, leader.phone, [], LEADER_DUTIES),
        )
        if shift.date not in person.dates:
            person.dates.append(shift.date)
        for name in (shift.officer_1, shift.officer_2):
            person = officers.setdefault(name, DutyPerson(name, "值班人员", "", shift.phone, [], OFFICER_DUTIES))
            person.dates.append(shift.date)
    return list(leaders.values()) + list(officers.values())


def _dates_text(dates: list[datetime.date]) -> str:
    by_month: dict[tuple[int, int], list[int]] = {}
    for d in dates:
        by_month.setdefault((d.year, d.month), []).append(d.day)
    return "；".join(f"{m}月{'、'.join(str(d) for d in days)}日" for (_y, m), days in by_month.items())


def responsibility_workbook(org: Organization, title_period: str, shifts: Sequence[DutyShift]) -> bytes:
    """值班工作人员责任表: every person on the roster, their post, duties, duty days and a column to
    sign, so that the work is assigned to named people."""
    headers = ["序号", "姓名", "值班岗位", "职务", "值班次数", "值班日期", "岗位职责", "联系电话", "本人签字"]
    book, ws = _sheet("值班工作人员责任表", [6, 10, 10, 18, 8, 36, 44, 15, 10])
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    _title(ws, 1, f"{org.name}值班工作人员责任表（{title_period}）", len(headers))
    _title(ws, 2, "实行领导班子成员带班、双人双岗、24小时值班制度。" + limits_sentence(), len(headers), size=10)
    ws.cell(row=2, column=1).alignment = LEFT
    _header(ws, 3, headers)
    row = 4
    for number, person in enumerate(responsibility_rows(shifts), start=1):
        _row(
            ws,
            row,
            [
                number,
                person.name,
                person.post,
                person.title,
                len(person.dates),
                _dates_text(person.dates),
                person.duties,
                person.phone,
                "",
            ],
        )
        for column in (6, 7):
            ws.cell(row=row, column=column).alignment = LEFT
        ws.row_dimensions[row].height = 48
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=f"制表日期：{chinese_date(timezone.localdate())}")
    return _save(book)
