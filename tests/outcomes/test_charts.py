import xml.etree.ElementTree as ET
from datetime import date

import pytest

from hearth.outcomes.charts import day_labels, line_chart, star_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def ten_areas():
    return [{"code": f"area_{i}", "name": f"Area number {i} with a long name", "description": ""} for i in range(10)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own chart output, not untrusted input)


def _points(polygon: ET.Element) -> list[str]:
    return polygon.get("points").split()


def test_the_star_chart_is_an_accessible_image_that_parses_as_xml(ten_areas):
    first = {a["code"]: 3 for a in ten_areas}
    latest = {a["code"]: 7 for a in ten_areas}
    root = _parse(star_chart(ten_areas, first, latest))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Outcome star: first and latest scores"
    assert "Area number 0 with a long name 3" in desc.text and "Area number 9 with a long name 7" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_star_chart_labels_every_axis_wrapping_long_names(ten_areas):
    root = _parse(star_chart(ten_areas, None, None))
    labels = root.findall(f".//{SVG}g[@class='axis-label']")
    assert len(labels) == 10
    for label, area in zip(labels, ten_areas, strict=True):
        lines = [t.text for t in label.findall(f"{SVG}text")]
        assert len(lines) > 1
        assert " ".join(lines) == area["name"]


def test_the_star_chart_draws_the_first_and_latest_scores_as_two_distinct_polygons(ten_areas):
    first = {a["code"]: 2 for a in ten_areas}
    latest = {a["code"]: 8 for a in ten_areas}
    root = _parse(star_chart(ten_areas, first, latest))
    first_polygon = root.find(f".//{SVG}polygon[@class='reading-first']")
    latest_polygon = root.find(f".//{SVG}polygon[@class='reading-latest']")
    assert len(_points(first_polygon)) == 10
    assert len(_points(latest_polygon)) == 10
    # Told apart without colour: dashed against solid, square markers against round ones.
    assert first_polygon.get("stroke-dasharray")
    assert latest_polygon.get("stroke-dasharray") is None
    assert len(root.findall(f".//{SVG}g[@class='series series-first']/{SVG}rect")) == 10
    assert len(root.findall(f".//{SVG}g[@class='series series-latest']/{SVG}circle")) == 10
    legend = [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")]
    assert legend == ["First scores", "Latest scores"]


def test_a_score_of_10_reaches_the_outer_ring_and_5_reaches_half_way(ten_areas):
    root = _parse(star_chart(ten_areas, {a["code"]: 5 for a in ten_areas}, {a["code"]: 10 for a in ten_areas}))
    top_first = _points(root.find(f".//{SVG}polygon[@class='reading-first']"))[0]
    top_latest = _points(root.find(f".//{SVG}polygon[@class='reading-latest']"))[0]
    assert top_first == "300.0,165.0"  # centre (300, 245), radius 160: half way up
    assert top_latest == "300.0,85.0"


def test_a_chart_with_only_the_first_scores_has_one_polygon(ten_areas):
    root = _parse(star_chart(ten_areas, {a["code"]: 4 for a in ten_areas}, None, first_label="Scores on 1 May 2026"))
    assert len(root.findall(f".//{SVG}polygon[@class='reading-first']")) == 1
    assert root.find(f".//{SVG}polygon[@class='reading-latest']") is None
    assert [t.text for t in root.findall(f".//{SVG}g[@class='legend']/{SVG}text")] == ["Scores on 1 May 2026"]


def test_every_piece_of_text_in_the_star_chart_is_escaped(ten_areas):
    ten_areas[3]["name"] = "Home <script>alert(1)</script> & money"
    svg = star_chart(ten_areas, {a["code"]: 4 for a in ten_areas}, None, first_label='Scores "<b>"')
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    root = _parse(svg)
    names = [" ".join(t.text for t in g.findall(f"{SVG}text"))
             for g in root.findall(f".//{SVG}g[@class='axis-label']")]
    assert names[3] == "Home <script>alert(1)</script> & money"
    assert "Home <script>alert(1)</script> & money 4" in root.find(f"{SVG}desc").text


def test_the_star_chart_is_deterministic(ten_areas):
    first = {a["code"]: i % 10 + 1 for i, a in enumerate(ten_areas)}
    latest = {a["code"]: 10 - i for i, a in enumerate(ten_areas)}
    assert star_chart(ten_areas, first, latest) == star_chart(list(ten_areas), dict(first), dict(latest))
    assert star_chart(ten_areas, first, latest) != star_chart(ten_areas, latest, first)


def test_the_star_chart_works_with_the_councils_own_areas(council):
    areas = council.outcome_areas
    root = _parse(star_chart(areas, {a["code"]: 5 for a in areas}, {a["code"]: 6 for a in areas}))
    assert len(root.findall(f".//{SVG}g[@class='axis-label']")) == len(areas) == 10
    assert "Keeping your children safe" in root.find(f"{SVG}desc").text


def test_the_line_chart_plots_each_reading_against_a_dated_axis():
    points = [(date(2026, 1, 5), 3), (date(2026, 2, 16), 5), (date(2026, 4, 1), 4)]
    root = _parse(line_chart("Family routine", points))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Family routine: scores over time"
    assert "5 Jan 2026: 3; 16 Feb 2026: 5; 1 Apr 2026: 4" in root.find(f"{SVG}desc").text
    assert len(root.find(f".//{SVG}polyline").get("points").split()) == 3
    assert len(root.findall(f".//{SVG}g[@class='series']/{SVG}circle")) == 3
    assert [t.text for t in root.findall(f".//{SVG}g[@class='x-axis']/{SVG}text")] == [
        "5 Jan 2026", "16 Feb 2026", "1 Apr 2026"]
    xs = [float(c.get("cx")) for c in root.findall(f".//{SVG}g[@class='series']/{SVG}circle")]
    assert xs == sorted(xs)
    # Spaced by time: 42 days then 44 days.
    assert abs((xs[1] - xs[0]) / (xs[2] - xs[1]) - 42 / 44) < 0.01


def test_the_line_chart_keeps_its_date_labels_readable_with_many_readings():
    points = [(date(2026, 1, 1).replace(month=1 + i % 12, year=2024 + i // 12), i % 10 + 1) for i in range(30)]
    root = _parse(line_chart("Home and money", points))
    assert len(root.findall(f".//{SVG}g[@class='series']/{SVG}circle")) == 30
    assert len(root.findall(f".//{SVG}g[@class='x-axis']/{SVG}text")) == 6


def test_the_line_chart_copes_with_one_reading_and_with_none():
    one = _parse(line_chart("Family routine", [(date(2026, 3, 1), 6)]))
    assert len(one.findall(f".//{SVG}circle")) == 1
    assert one.find(f".//{SVG}polyline") is None
    empty = _parse(line_chart("Family routine", []))
    assert "No scores" in empty.find(f"{SVG}desc").text


def test_the_line_chart_escapes_the_area_name_and_is_deterministic():
    points = [(date(2026, 1, 5), 3), (date(2026, 2, 16), 5)]
    svg = line_chart("Money <& debts>", points)
    assert "<&" not in svg
    assert _parse(svg).find(f"{SVG}title").text == "Money <& debts>: scores over time"
    assert svg == line_chart("Money <& debts>", list(reversed(points)))


def test_two_sets_of_scores_on_one_day_are_two_points_labelled_apart():
    day = date(2026, 12, 5)
    points = [(date(2026, 11, 1), 3), (day, 4), (day, 6)]  # the same day's sets in the order they were recorded
    root = _parse(line_chart("Family routine", points))
    circles = root.findall(f".//{SVG}g[@class='series']/{SVG}circle")
    assert len(circles) == 3
    xs = [float(c.get("cx")) for c in circles]
    assert xs[0] < xs[1] < xs[2]
    assert xs[2] - xs[1] >= 20  # far enough apart to see and to label
    assert [t.text for t in root.findall(f".//{SVG}g[@class='x-axis']/{SVG}text")] == [
        "1 Nov 2026", "5 Dec 2026", "5 Dec 2026 (2)"]
    assert "5 Dec 2026: 4; 5 Dec 2026 (2): 6" in root.find(f"{SVG}desc").text
    assert [t.text for t in root.findall(f".//{SVG}g[@class='series']/{SVG}text")] == ["3", "4", "6"]


def test_sets_all_on_one_day_spread_about_the_middle_and_stay_inside_the_plot():
    day = date(2026, 12, 5)
    root = _parse(line_chart("Family routine", [(day, 2), (day, 5), (day, 7)]))
    xs = [float(c.get("cx")) for c in root.findall(f".//{SVG}g[@class='series']/{SVG}circle")]
    assert len(set(xs)) == 3 and xs == sorted(xs)
    assert abs((xs[0] + xs[2]) / 2 - 250) < 0.1  # centred on the plot (44 to 456)


def test_many_close_readings_never_overlap_or_leave_the_plot():
    points = [(date(2024, 1, 1), 5)] + [(date(2026, 3, 1), i % 10 + 1) for i in range(12)] + [(date(2026, 3, 2), 4)]
    root = _parse(line_chart("Family routine", points))
    xs = [float(c.get("cx")) for c in root.findall(f".//{SVG}g[@class='series']/{SVG}circle")]
    assert len(xs) == 14
    assert all(b - a >= 20 for a, b in zip(xs, xs[1:], strict=False))
    assert xs[0] >= 44 and xs[-1] <= 456


def test_day_labels_number_the_second_and_later_sets_of_a_day():
    d1, d2 = date(2026, 12, 4), date(2026, 12, 5)
    assert day_labels([d1, d2, d2, d2]) == ["4 Dec 2026", "5 Dec 2026", "5 Dec 2026 (2)", "5 Dec 2026 (3)"]
