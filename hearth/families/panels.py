"""The parts of the family and person pages that higher apps contribute (registered in their `AppConfig.ready()`).

The family page's slots, top to bottom: `alerts` (banners above the heading), `summary` (under the heading),
`work` (Early Help and case notes, before the members), `records` (after the genogram)."""

from hearth.core.hooks import Hook

family_page = Hook("panels on the family page", expects=("cases", "consent", "sharing", "rights",
                                                        "supporting_families"))
person_page = Hook("panels on the person page", expects=("rights",))
