"""Line breaking on paper: Chinese punctuation stays with the words it belongs to."""

from __future__ import annotations

from kiosk.documents import fonts

TEXT = "听到叫号后请到：居住证受理窗口（1-3号窗口）"


def test_no_line_ends_in_an_opening_bracket_or_starts_with_a_closing_one() -> None:
    size = 12.0
    # just wide enough for everything up to and including "（" on the first line
    room = fonts.width(TEXT[: TEXT.index("（") + 1], size) + 0.1
    lines = fonts.wrap(TEXT, size, room)
    assert lines == ["听到叫号后请到：居住证受理窗口", "（1-3号窗口）"], lines
    for width in range(40, 300, 7):
        for line in fonts.wrap(TEXT + "请保管好本凭条，到窗口办理时出示。", size, float(width)):
            assert not (len(line) > 1 and line[-1] in fonts.OPENING), (width, line)
            assert not (len(line) > 1 and line[0] in "，。、；：？！）》」』"), (width, line)
