"""Assertions the tests share."""


def assert_says(text: str, *phrases: str) -> None:
    """Every phrase is in the text (a page, an email, a document); fails naming each one that is not."""
    missing = [phrase for phrase in phrases if phrase not in text]
    assert not missing, f"Not found: {missing}"
