"""The steps of one family's whole Early Help journey, walked in the browser by the people who would walk it
(tests/browser/test_journey.py): asking for support and screening (asking.py), assessment, plan, reviews and
the family's copies (early_help.py), and stepping up to and down from statutory services (statutory.py)."""
