from __future__ import annotations

from hub.media.slots import Candidate, SlotLayout, assign, rank


def test_describe_orders_send_lines_first() -> None:
    layout = SlotLayout(thumbnails=1, audio=2)
    assert [line["name"] for line in layout.describe(publish=True)] == [
        "camera",
        "microphone",
        "main",
        "thumb1",
        "audio1",
        "audio2",
    ]
    assert [line["name"] for line in layout.describe(publish=False)] == ["main", "thumb1", "audio1", "audio2"]


def test_presenter_then_recent_speakers_then_join_order() -> None:
    people = [Candidate("a", 0, 0.0), Candidate("b", 1, 5.0), Candidate("c", 2, 9.0), Candidate("d", 3, 0.0)]
    assert rank(people, presenter=None) == ["c", "b", "a", "d"]
    assert rank(people, presenter="d") == ["d", "c", "b", "a"]


def test_assign_never_gives_own_stream_and_keeps_slots_stable() -> None:
    layout = SlotLayout(thumbnails=2, audio=2)
    first = assign(layout, "me", ["x", "me", "y", "z"], ["y", "x", "z"])
    assert first == {"main": "x", "thumb1": "y", "thumb2": "z", "audio1": "y", "audio2": "x"}
    # z now speaks: it takes the main slot, x moves to a thumbnail, y keeps its own.
    second = assign(layout, "me", ["z", "x", "y"], ["z", "y", "x"], current=first)
    assert second["main"] == "z"
    assert second["thumb1"] == "y"
    assert second["thumb2"] == "x"
    assert second["audio1"] == "y"  # y stays where it was
    assert second["audio2"] == "z"


def test_empty_slots_are_none() -> None:
    assert assign(SlotLayout(thumbnails=1, audio=1), "me", ["me"], ["me"]) == {
        "main": None,
        "thumb1": None,
        "audio1": None,
    }
