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
    # z now speaks: the three stay among the wanted video, so no video moves; of the two audio
    # slots, y keeps its own and z takes x's (x is no longer among the two loudest).
    second = assign(layout, "me", ["z", "x", "y"], ["z", "y", "x"], current=first)
    assert second == {"main": "x", "thumb1": "y", "thumb2": "z", "audio1": "y", "audio2": "z"}


def test_two_steady_speakers_never_swap_at_a_third() -> None:
    layout = SlotLayout(thumbnails=2, audio=3)
    mapping = assign(layout, "me", ["a", "b"], ["a", "b"])
    moves = 0
    for turn in range(20):  # a and b take turns: the ranking flips every time
        ranked = ["a", "b"] if turn % 2 else ["b", "a"]
        new = assign(layout, "me", ranked, ranked, current=mapping)
        moves += sum(1 for slot in new if new[slot] != mapping[slot])
        mapping = new
    assert moves == 0


def test_a_newcomer_takes_a_free_slot_and_the_presenter_takes_main() -> None:
    layout = SlotLayout(thumbnails=1, audio=2)
    first = assign(layout, "me", ["a"], ["a"])
    assert first["main"] == "a"
    second = assign(layout, "me", ["b", "a"], ["b", "a"], current=first)
    assert (second["main"], second["thumb1"]) == ("a", "b")  # a keeps main, b takes the free thumbnail
    third = assign(layout, "me", ["b", "a"], ["b", "a"], current=second, presenter="b")
    assert (third["main"], third["thumb1"]) == ("b", "a")
    # A speaker outside the wanted set loses its slot to the one who is in it.
    fourth = assign(layout, "me", ["c", "a", "b"], ["c", "a", "b"], current=second)
    assert set([fourth["main"], fourth["thumb1"]]) == {"c", "a"}
    assert fourth["main"] == "a"


def test_empty_slots_are_none() -> None:
    assert assign(SlotLayout(thumbnails=1, audio=1), "me", ["me"], ["me"]) == {
        "main": None,
        "thumb1": None,
        "audio1": None,
    }
