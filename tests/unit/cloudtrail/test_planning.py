"""Which events go into which log file, and when."""

from __future__ import annotations

import json
from dataclasses import replace

from fogbank.services.cloudtrail.models import Trail, TrailSettings, default_selectors
from fogbank.services.cloudtrail.planning import grid_boundary, natural_slot, plan
from fogbank.services.cloudtrail.store.events import PendingEvent

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z, StartLogging


def trail(**changes: object) -> Trail:
    base = Trail(
        id=1,
        arn="arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
        account_id="111122223333",
        home_region="us-east-1",
        name="t",
        settings=TrailSettings(bucket="logs"),
        selectors=default_selectors(),
        insight_selectors=None,
        tags={},
        created_at=START,
        logging=True,
        start_logging_at=START,
        stop_logging_at=None,
        cursor_batch=0,
        cursor_seq=0,
        next_slot=START + 300,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


_seq = iter(range(1, 10_000))


def event(
    at: float,
    *,
    batch: int = 1,
    region: str = "us-east-1",
    source: str = "s3.amazonaws.com",
    name: str = "CreateBucket",
    management: bool = True,
) -> PendingEvent:
    seq = next(_seq)
    rec = {
        "eventID": f"e{seq}",
        "eventSource": source,
        "eventName": name,
        "readOnly": False,
        "managementEvent": management,
        "eventCategory": "Management" if management else "Data",
        "resources": [],
    }
    return PendingEvent(
        batch=batch,
        seq=seq,
        account_id="111122223333",
        region=region,
        event_time=at,
        event_name=name,
        event_source=source,
        read_only=False,
        management=management,
        record=json.dumps(rec),
    )


def ids(records: list[str]) -> list[str]:
    return [json.loads(r)["eventID"] for r in records]


def test_grid() -> None:
    assert grid_boundary(START + 300, START + 299) is None
    assert grid_boundary(START + 300, START + 300) == START + 300
    assert grid_boundary(START + 300, START + 1000) == START + 900
    assert natural_slot(START + 300, START + 10) == START + 300
    assert natural_slot(START + 300, START + 300) == START + 600
    assert natural_slot(START + 300, START - 50) == START + 300


def test_nothing_is_delivered_before_the_first_slot() -> None:
    t = trail()
    result = plan([event(START + 10)], t, now=START + 200)
    assert result.files == []
    assert result.cursor == (0, 0)
    assert result.next_slot == START + 300


def test_events_go_into_the_slot_after_them() -> None:
    t = trail()
    events = [event(START + 10), event(START + 250), event(START + 310), event(START + 700)]
    result = plan(events, t, now=START + 650)
    assert [(f.slot, len(f.records)) for f in result.files] == [
        (START + 300, 2),
        (START + 600, 1),
    ]
    # The event at +700 waits (its slot +900 is in the future); the cursor stops before it.
    assert result.cursor == (events[2].batch, events[2].seq)
    assert result.next_slot == START + 900
    first = result.files[0]
    assert first.oldest == START + 10 and first.newest == START + 250


def test_a_clock_jump_dates_files_as_if_running_all_along() -> None:
    events = [event(START + 10), event(START + 400), event(START + 3000)]
    result = plan(events, trail(), now=START + 7200)
    assert [f.slot for f in result.files] == [START + 300, START + 600, START + 3300]
    assert result.cursor == (events[-1].batch, events[-1].seq)
    assert result.next_slot == START + 7500


def test_late_events_go_into_the_next_open_slot() -> None:
    t = trail(cursor_batch=1, cursor_seq=5, next_slot=START + 900)
    late = event(START + 20, batch=2)
    result = plan([late], t, now=START + 950)
    assert [f.slot for f in result.files] == [START + 900]


def test_events_before_logging_started_and_other_regions_are_skipped() -> None:
    t = trail()
    before = event(START - 5)
    elsewhere = event(START + 5, region="eu-west-1")
    here = event(START + 6)
    result = plan([before, elsewhere, here], t, now=START + 300)
    assert len(result.files) == 1
    assert ids(result.files[0].records) == [json.loads(here.record)["eventID"]]
    assert result.cursor == (here.batch, here.seq)


def test_global_service_events_follow_include_global() -> None:
    iam = event(START + 5, region="us-east-1", source="iam.amazonaws.com", name="CreateUser")
    west = trail(home_region="us-west-2")
    result = plan([iam], west, now=START + 300)
    assert [f.region for f in result.files] == ["us-east-1"]
    no_global = trail(home_region="us-west-2", settings=TrailSettings("logs", include_global=False))
    assert plan([iam], no_global, now=START + 300).files == []


def test_multi_region_trails_split_files_by_region() -> None:
    t = trail(settings=TrailSettings(bucket="logs", multi_region=True))
    events = [
        event(START + 1, region="us-east-1"),
        event(START + 2, region="eu-west-1"),
        event(START + 3, region="us-east-1"),
    ]
    result = plan(events, t, now=START + 300)
    assert sorted((f.region, len(f.records)) for f in result.files) == [
        ("eu-west-1", 1),
        ("us-east-1", 2),
    ]


def test_data_events_follow_the_selectors() -> None:
    data = event(START + 1, name="PutObject", management=False)
    assert plan([data], trail(), now=START + 300).files == []
    chosen = {
        "basic": [
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
                "ExcludeManagementEventSources": [],
            }
        ]
    }
    result = plan([data], trail(selectors=chosen), now=START + 300)
    assert len(result.files) == 1


def test_a_chunk_that_is_not_exhausted_keeps_its_slots_open() -> None:
    t = trail()
    result = plan([event(START + 10)], t, now=START + 700, exhausted=False)
    assert [f.slot for f in result.files] == [START + 300]
    assert result.next_slot == t.next_slot


def test_finalizing_delivers_up_to_the_stop_at_the_stop_time() -> None:
    t = trail(logging=False, finalize_at=START + 1000, next_slot=START + 900)
    events = [event(START + 950), event(START + 999), event(START + 1001)]
    result = plan(events, t, now=START + 5000)
    assert [(f.slot, len(f.records)) for f in result.files] == [(START + 1000, 2)]
    # The event after the stop is not this trail's: the cursor passes it.
    assert result.cursor == (events[-1].batch, events[-1].seq)


def test_big_slots_are_split_into_several_files() -> None:
    events = [event(START + 1) for _ in range(2500)]
    result = plan(events, trail(), now=START + 300)
    assert [len(f.records) for f in result.files] == [1000, 1000, 500]
    assert {f.slot for f in result.files} == {START + 300}
