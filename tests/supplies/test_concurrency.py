"""Two people moving the same stock at once, on two real database connections (one per thread,
on a transactional test database): the row lock serialises them, and stock never goes below zero."""

import threading
import time

import pytest
from django.db import connection, transaction

from supplies.models import Stock, StockMovement
from supplies.movements import InsufficientStock, move_stock

from .helpers import make_stock


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _in_thread(target):
    def run():
        try:
            target()
        finally:
            connection.close()  # each thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_second_mover_waits_for_the_first_and_sees_what_it_left(transactional_db, personas):
    line = make_stock(personas.tree.school_a1, quantity=10)
    first_moved, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        with transaction.atomic():
            outcome["first"] = move_stock(line.pk, "issue", 7, "甲领用", personas.officer_a)
            first_moved.set()
            release.wait(10)  # hold the transaction (and the row lock) open

    def second():
        first_moved.wait(10)
        try:
            outcome["second"] = move_stock(line.pk, "issue", 7, "乙领用", personas.district_staff)
        except InsufficientStock as exc:
            outcome["second"] = exc

    a, b = _in_thread(first), _in_thread(second)
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock():
        assert time.monotonic() < deadline, "the second movement never waited for the row lock"
        time.sleep(0.05)
    assert "second" not in outcome  # still blocked behind the first transaction
    release.set()
    a.join(10)
    b.join(10)
    assert isinstance(outcome["second"], InsufficientStock)
    assert "现有 3" in str(outcome["second"])
    assert Stock.objects.get(pk=line.pk).quantity == 3
    assert list(StockMovement.objects.values_list("reason", "balance")) == [("甲领用", 3)]


def test_many_movers_at_once_never_take_stock_below_zero(transactional_db, personas):
    line = make_stock(personas.tree.school_a1, quantity=10)
    movers = 5
    start = threading.Barrier(movers)
    done, refused = [], []

    def take_three():
        start.wait(10)
        try:
            done.append(move_stock(line.pk, "issue", 3, "同时领用", personas.officer_a).balance)
        except InsufficientStock:
            refused.append(1)

    threads = [_in_thread(take_three) for _ in range(movers)]
    for thread in threads:
        thread.join(20)
    assert sorted(done, reverse=True) == [7, 4, 1]
    assert len(refused) == 2
    assert Stock.objects.get(pk=line.pk).quantity == 1
    assert StockMovement.objects.count() == 3


@pytest.mark.parametrize("rounds", [20])
def test_opposite_transfers_at_once_do_not_deadlock(transactional_db, personas, rounds):
    t = personas.tree
    a = make_stock(t.school_a1, quantity=100, location="仓库")
    b = make_stock(t.school_a2, quantity=100, location="仓库")
    errors = []

    def shuttle(source, destination):
        try:
            for _ in range(rounds):
                move_stock(source.pk, "transfer", 1, "互相调剂", personas.district_staff, destination=destination)
        except Exception as exc:  # a deadlock would surface here
            errors.append(exc)

    threads = [_in_thread(lambda: shuttle(a, t.school_a2)), _in_thread(lambda: shuttle(b, t.school_a1))]
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert Stock.objects.get(pk=a.pk).quantity + Stock.objects.get(pk=b.pk).quantity == 200
    assert StockMovement.objects.count() == 4 * rounds
