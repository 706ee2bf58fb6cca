"""UK identifiers: NHS number, Unique Pupil Number, National Insurance number, postcode.

Each `clean_*` function returns the normalised value or raises ValueError with a plain-English message.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_NHS_WEIGHTS = range(10, 1, -1)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit of an NHS number, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def clean_nhs_number(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValueError("Enter an NHS number with 10 digits, like 485 777 3456")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError("Enter a real NHS number: the last digit does not match the check digit")
    return digits


def format_nhs_number(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


# The UPN check letter alphabet leaves out I, O and S.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(rest: str) -> str:
    """Check letter for the 12 characters after it (the last may be a letter in a temporary UPN)."""
    total = 0
    for weight, char in enumerate(rest, start=2):
        total += (int(char) if char.isdigit() else _UPN_LETTERS.index(char)) * weight
    return _UPN_LETTERS[total % 23]


def clean_upn(value: str) -> str:
    upn = re.sub(r"\s", "", value or "").upper()
    if not re.fullmatch(rf"[{_UPN_LETTERS}]\d{{11}}[\d{_UPN_LETTERS}]", upn):
        raise ValueError("Enter a Unique Pupil Number: a letter followed by 12 characters, like A801200199001")
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValueError("Enter a real Unique Pupil Number: the check letter does not match")
    return upn


_NINO = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")


def clean_ni_number(value: str) -> str:
    nino = re.sub(r"\s", "", value or "").upper()
    if not _NINO.fullmatch(nino):
        raise ValueError("Enter a National Insurance number in the right format, like AB 12 34 56 C")
    return nino


def format_ni_number(nino: str) -> str:
    return f"{nino[:2]} {nino[2:4]} {nino[4:6]} {nino[6:8]} {nino[8:]}" if len(nino) == 9 else nino


_POSTCODE = re.compile(
    r"(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPSTUW])[0-9][ABD-HJLNP-UW-Z]{2})"
)


def clean_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", value or "").upper()
    if not _POSTCODE.fullmatch(compact):
        raise ValueError("Enter a real UK postcode, like OX4 3LX")
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_key(value: str) -> str:
    """The form used for searching: upper case, no spaces."""
    return re.sub(r"\s", "", value or "").upper()


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
