"""The batch de-duplication model, defined in Python for Splink (decision record 0019).

The comparisons mirror people matching's (`hearth.people.comparisons`) as closely as Splink's SQL allows: the given
and family names (exact, weighed by how common the name is; the two typed the other way round; spelt a little
differently; similar), the date of birth (exact; day and month swapped; one part differs) and the NHS number
(exact, with a tiny fixed u, since two different people never share one), and the current postcode (the same; the
same sector). Former postcodes and the sound of a name are not compared here: Splink has no dialect-neutral level
for either.

The definition is kept here, not in a saved Splink model file: Splink's saved JSON holds SQL already rendered for one
database, so a model trained on DuckDB cannot be loaded into Spark. `settings_for(dialect)` renders the settings for
either, and `apply_trained` copies the trained m, u and λ (`trained_parameters`) into them. The trained parameters
hold no personal data: probabilities per comparison level only.

Columns of the people table: unique_id, given, family, dob (a date), nhs, postcode (as a key: upper case, no
spaces).
"""

from types import SimpleNamespace

from hearth.people import match_model


def _splink() -> SimpleNamespace:
    """Splink's libraries, imported when the model is first built: importing Splink takes about a second, which no
    web process should spend at start."""
    import splink  # noqa: PLC0415
    import splink.comparison_level_library as cll  # noqa: PLC0415
    import splink.comparison_library as cl  # noqa: PLC0415

    return SimpleNamespace(cl=cl, cll=cll, SettingsCreator=splink.SettingsCreator, block_on=splink.block_on)

# Level labels (Splink's `label_for_charts`), the keys of EVIDENCE below.
NULL = "missing on either side"
EXACT = "exact"
SWAPPED = "given and family names the other way round"
CLOSE = "spelt a little differently"
SIMILAR = "similar"
DOB_SWAPPED = "day and month swapped"
DOB_ONE_PART = "one part differs"
SECTOR = "same sector"
OTHER = "other"

# What each level of each comparison says, for the DPO's queue: (text, for) where `for` is True for a reason the two
# are the same person and False for one against; None says nothing.
EVIDENCE: dict[str, dict[str, tuple[str, bool] | None]] = {
    "given": {EXACT: ("same given name", True), SWAPPED: ("given and family names the other way round", True),
              CLOSE: ("given name spelt a little differently", True), SIMILAR: ("similar given name", True),
              OTHER: ("a different given name", False)},
    "family": {EXACT: ("same family name", True), SWAPPED: None,  # said once, by the given name
               CLOSE: ("family name spelt a little differently", True), SIMILAR: ("similar family name", True),
               OTHER: ("a different family name", False)},
    "dob": {EXACT: ("same date of birth", True), DOB_SWAPPED: ("date of birth with day and month swapped", True),
            DOB_ONE_PART: ("date of birth differs by one part", True), OTHER: ("a different date of birth", False)},
    "nhs": {EXACT: ("same NHS number", True), OTHER: ("a different NHS number", False)},
    "postcode": {EXACT: ("same postcode", True), SECTOR: ("a nearby postcode", True),
                 OTHER: ("a different postcode", False)},
}
COMPARISONS = tuple(EVIDENCE)
# The columns each comparison reads, and what the officer calls it.
COLUMNS = {"given": "given", "family": "family", "dob": "dob", "nhs": "nhs", "postcode": "postcode"}
CALLED = {"given": "given name", "family": "family name", "dob": "date of birth", "nhs": "NHS number",
          "postcode": "postcode"}
# Without the names and the date of birth the model cannot tell one person recorded twice from two people who share
# a detail: a run refuses. The NHS number and postcode may be missing for everyone (a council that does not record
# them, or loaded its people without them): a run goes on without that comparison and says so.
ESSENTIAL = ("given", "family", "dob")
OPTIONAL = ("nhs", "postcode")
# The tiny chance that two different people share an NHS number: random sampling never sees it.
NHS_U = 1e-8
# Three chances expectation maximisation cannot learn from a council's records are fixed at people matching's
# (`hearth.people.match_model`'s shipped model, learned from labelled pairs): two records of one person with
# different NHS numbers (Hearth holds an NHS number once, so no two records of one person share one and the "exact"
# level is never seen), and with wholly different given or family names. Learned freely, these take twins (the same
# family name, date of birth and home) for one person recorded twice.


def fixed_m() -> dict[str, float]:
    shipped = match_model.default()
    return {"nhs": shipped.m["nhs"][-1], "given": shipped.m["given"][-1], "family": shipped.m["family"][-1]}


LAMBDA_RECALL = 0.7


def _name(col: str, other: str):
    cl, cll = _splink().cl, _splink().cll
    return cl.CustomComparison(output_column_name=col, comparison_levels=[
        cll.NullLevel(col).configure(label_for_charts=NULL),
        cll.ExactMatchLevel(col, term_frequency_adjustments=True).configure(label_for_charts=EXACT),
        cll.ColumnsReversedLevel(col, other, symmetrical=True).configure(label_for_charts=SWAPPED),
        cll.Or(cll.DamerauLevenshteinLevel(col, 1), cll.JaroWinklerLevel(col, 0.92)).configure(
            label_for_charts=CLOSE),
        cll.JaroWinklerLevel(col, 0.8).configure(label_for_charts=SIMILAR),
        cll.ElseLevel().configure(label_for_charts=OTHER, m_probability=fixed_m()[col], fix_m_probability=True),
    ])


def _dob():
    cl, cll = _splink().cl, _splink().cll
    year, month, day = "year(dob_l) = year(dob_r)", "month(dob_l) = month(dob_r)", "day(dob_l) = day(dob_r)"
    return cl.CustomComparison(output_column_name="dob", comparison_levels=[
        cll.NullLevel("dob").configure(label_for_charts=NULL),
        cll.ExactMatchLevel("dob").configure(label_for_charts=EXACT),
        cll.CustomLevel(f"{year} AND month(dob_l) = day(dob_r) AND day(dob_l) = month(dob_r)",
                        label_for_charts=DOB_SWAPPED, base_dialect_str="duckdb"),
        cll.CustomLevel(f"({year} AND {month}) OR ({year} AND {day}) OR ({month} AND {day})",
                        label_for_charts=DOB_ONE_PART, base_dialect_str="duckdb"),
        cll.ElseLevel().configure(label_for_charts=OTHER),
    ])


def _nhs():
    cl, cll = _splink().cl, _splink().cll
    return cl.CustomComparison(output_column_name="nhs", comparison_levels=[
        cll.NullLevel("nhs").configure(label_for_charts=NULL),
        cll.ExactMatchLevel("nhs").configure(label_for_charts=EXACT, u_probability=NHS_U, fix_u_probability=True,
                                             m_probability=1 - fixed_m()["nhs"], fix_m_probability=True),
        cll.ElseLevel().configure(label_for_charts=OTHER, m_probability=fixed_m()["nhs"], fix_m_probability=True),
    ])


def _postcode():
    cl, cll = _splink().cl, _splink().cll
    # The sector is all but the last two characters of the key (as hearth.people.comparisons.postcode_level).
    return cl.CustomComparison(output_column_name="postcode", comparison_levels=[
        cll.NullLevel("postcode").configure(label_for_charts=NULL),
        cll.ExactMatchLevel("postcode").configure(label_for_charts=EXACT),
        cll.CustomLevel("substr(postcode_l, 1, length(postcode_l) - 2) = "
                        "substr(postcode_r, 1, length(postcode_r) - 2)",
                        label_for_charts=SECTOR, base_dialect_str="duckdb"),
        cll.ElseLevel().configure(label_for_charts=OTHER),
    ])


def _rules(rules: list[tuple[str, ...]], omit) -> list:
    """Splink's blocking rules for those of `rules` that read no omitted comparison's column."""
    block_on = _splink().block_on
    left_out = {COLUMNS[c] for c in omit}
    return [block_on(*rule) for rule in rules
            if not left_out & {column.removeprefix("year(").removesuffix(")") for column in rule}]


def prediction_rules(omit=()) -> list:
    """Which pairs are compared at all: those sharing an NHS number, a date of birth, a family name and postcode,
    both names and the year of birth, or a given name and postcode (without the rules on an omitted column)."""
    return _rules([("nhs",), ("dob",), ("family", "postcode"), ("given", "family", "year(dob)"),
                   ("given", "postcode")], omit)


def lambda_rules(omit=()) -> list:
    """Pairs almost surely the same person, for estimating λ (the chance two records are the same person)."""
    return _rules([("nhs",), ("given", "family", "dob")], omit)


def em_rules(omit=()) -> list:
    """The blocks expectation maximisation learns m from: by date of birth (the names, postcode and NHS number),
    then by family name and postcode (the given name, date of birth and NHS number); with no postcodes, by both
    names instead (the date of birth and NHS number)."""
    if "postcode" in omit:
        return _rules([("dob",), ("given", "family")], omit)
    return _rules([("dob",), ("family", "postcode")], omit)


def settings(omit=()):
    """Splink's SettingsCreator for the model, in no dialect yet, without the comparisons in `omit` (optional ones
    whose column is empty for everyone: `batch.unusable`)."""
    if set(omit) & set(ESSENTIAL):
        raise ValueError("the names and the date of birth are always compared")
    made = {"given": _name("given", "family"), "family": _name("family", "given"), "dob": _dob(), "nhs": _nhs(),
            "postcode": _postcode()}
    return _splink().SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[made[c] for c in COMPARISONS if c not in omit],
        blocking_rules_to_generate_predictions=prediction_rules(omit),
        # Splink keeps each pair's comparison vector (gamma_*, its levels: the evidence the queue shows) only with
        # the compared values (`batch.predict` reads the levels alone),
        # and each comparison's weight (mw_*), which `batch.predict` weighs again for people of one household.
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )


def settings_for(dialect: str, trained: dict | None = None, omit=()) -> dict:
    """The settings rendered for one SQL dialect ("duckdb", "spark"), with the trained parameters when given (and
    only the comparisons they were trained with)."""
    if trained:
        omit = tuple(c for c in COMPARISONS if c not in trained["comparisons"])
    rendered = settings(omit).create_settings_dict(dialect)
    return apply_trained(rendered, trained) if trained else rendered


def levels(comparison: dict) -> list[str]:
    """A rendered comparison's level labels in order, the null level first."""
    return [level.get("label_for_charts") for level in comparison["comparison_levels"]]


def gamma_labels(comparison: dict) -> dict[int, str]:
    """Splink's comparison vector value (gamma) of each level's label: -1 for the null level, then counting down
    from the strongest agreement to 0 for the last ("other")."""
    labels = [label for label in levels(comparison) if label != NULL]
    return {-1: NULL, **{len(labels) - 1 - i: label for i, label in enumerate(labels)}}


def trained_parameters(saved: dict) -> dict:
    """From Splink's saved model (a settings dict), λ and each level's m and u, by comparison and level label."""
    return {
        "probability_two_random_records_match": saved["probability_two_random_records_match"],
        "comparisons": {
            c["output_column_name"]: {level["label_for_charts"]: {k: level[k] for k in ("m_probability",
                                                                                        "u_probability")
                                                                  if k in level}
                                      for level in c["comparison_levels"] if not level.get("is_null_level")}
            for c in saved["comparisons"]},
    }


def apply_trained(rendered: dict, trained: dict) -> dict:
    """Copy trained parameters into settings rendered for any dialect; every trained level must be there."""
    rendered["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    by_name = {c["output_column_name"]: c for c in rendered["comparisons"]}
    if set(by_name) != set(trained["comparisons"]):
        raise ValueError("the trained parameters are for other comparisons")
    for name, trained_levels in trained["comparisons"].items():
        rendered_levels = {level.get("label_for_charts"): level for level in by_name[name]["comparison_levels"]}
        for label, values in trained_levels.items():
            if label not in rendered_levels:
                raise ValueError(f"the trained parameters have a level the model does not: {name} {label}")
            rendered_levels[label].update(values)
    return rendered


def evidence(labels: dict[str, str]) -> list[dict]:
    """Plain-English reasons for and against two records being the same person, from each comparison's level
    label: [{"reason": "same date of birth", "for": True}, ...], reasons for first."""
    found = [EVIDENCE[c].get(label) for c, label in labels.items() if c in EVIDENCE]
    said = [{"reason": text, "for": supports} for text, supports in (f for f in found if f)]
    if {"reason": "same NHS number", "for": True} in said:
        said.remove({"reason": "same NHS number", "for": True})
        said.insert(0, {"reason": "same NHS number", "for": True})
    return sorted(said, key=lambda r: not r["for"])
