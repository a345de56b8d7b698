"""`bench_data`: the benchmark's synthetic city, built to the size the issue asks for, per school and
year, and left vacuumed and analysed like a database in service."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from drills.models import Drill
from emergency.models import Organization, OrganizationKind, User
from hazards.choices import HazardStatus
from hazards.models import Hazard
from outreach.models import OutreachEvent
from plans.models import EmergencyPlan
from supplies.models import Stock


@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction only
def test_scale_one_is_a_city_of_400_schools_with_a_year_of_every_area():
    out = io.StringIO()
    call_command("bench_data", "--scale", "1", "--year", "2025", stdout=out)
    schools = Organization.objects.filter(kind=OrganizationKind.SCHOOL)
    assert schools.count() == 400
    assert Organization.objects.filter(kind=OrganizationKind.DISTRICT).count() == 10  # forty schools to a district
    per_school = {model: model.objects.count() / 400 for model in (EmergencyPlan, Drill, Hazard, Stock, OutreachEvent)}
    assert per_school == {EmergencyPlan: 6, Drill: 12, Hazard: 20, Stock: 30, OutreachEvent: 6}
    assert set(Hazard.objects.values_list("status", flat=True)) == set(HazardStatus.values)
    assert not Drill.objects.exclude(held_on__year=2025).exists()
    assert set(User.objects.values_list("username", flat=True)) >= {"bench_leader", "bench_staff"}
    assert "规模 1（2025 年）" in out.getvalue() and "隐患: 8,000" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s", ["hazards_hazard"])
        assert cursor.fetchone() == (True,)


@pytest.mark.django_db
def test_an_existing_tree_is_kept_unless_flush_is_asked(personas):
    with pytest.raises(CommandError, match="--flush"):
        call_command("bench_data", "--scale", "1")
    assert Organization.objects.filter(code="BENCH").count() == 0
