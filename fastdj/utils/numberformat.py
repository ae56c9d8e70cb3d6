"""Format numbers with a decimal separator, fixed decimals and digit grouping."""

from decimal import Decimal

from fastdj.conf import settings
from fastdj.utils.safestring import mark_safe

__all__ = ["format"]


def format(
    number,
    decimal_sep,
    decimal_pos=None,
    grouping=0,
    thousand_sep="",
    force_grouping=False,
    use_l10n=None,
):
    """Return ``number`` (a number or numeric string) formatted as a string.

    ``decimal_pos`` fixes the number of decimals (truncating, not rounding);
    ``grouping`` is a group size or a locale-style sequence such as (3, 2, 0),
    applied with ``thousand_sep`` when USE_THOUSAND_SEPARATOR is on (and
    ``use_l10n`` is not false) or ``force_grouping`` is set.
    """
    if number is None or number == "":
        return mark_safe(number)
    if use_l10n is None:
        use_l10n = True
    use_grouping = (
        (use_l10n and settings.USE_THOUSAND_SEPARATOR) or force_grouping
    ) and grouping != 0
    if isinstance(number, int) and not use_grouping and not decimal_pos:
        return mark_safe(number)
    sign = ""
    # str() of a very large or small float uses an exponent; Decimal does not.
    if isinstance(number, float) and "e" in str(number).lower():
        number = Decimal(str(number))
    if isinstance(number, Decimal):
        if decimal_pos is not None:
            # Too small to show in any visible decimal place: it is zero.
            cutoff = Decimal("0." + "1".rjust(decimal_pos, "0"))
            if abs(number) < cutoff:
                number = Decimal("0")
        _, digits, exponent = number.as_tuple()
        # Past 200 digits "{:f}" would build a huge string: keep the exponent.
        if abs(exponent) + len(digits) > 200:
            coefficient, exponent = f"{number:e}".split("e")
            coefficient = format(
                coefficient,
                decimal_sep,
                decimal_pos,
                grouping,
                thousand_sep,
                force_grouping,
                use_l10n,
            )
            return f"{coefficient}e{exponent}"
        str_number = f"{number:f}"
    else:
        str_number = str(number)
    if str_number[0] == "-":
        sign = "-"
        str_number = str_number[1:]
    if "." in str_number:
        int_part, dec_part = str_number.split(".")
        if decimal_pos is not None:
            dec_part = dec_part[:decimal_pos]
    else:
        int_part, dec_part = str_number, ""
    if decimal_pos is not None:
        dec_part += "0" * (decimal_pos - len(dec_part))
    dec_part = dec_part and decimal_sep + dec_part
    if use_grouping:
        int_part = _group_digits(int_part, grouping, thousand_sep)
    return sign + int_part + dec_part


def _group_digits(int_part: str, grouping, thousand_sep: str) -> str:
    try:
        intervals = list(grouping)
    except TypeError:
        # A single size repeats for every group.
        intervals = [grouping, 0]
    active_interval = intervals.pop(0)
    grouped = []
    cnt = 0
    reversed_sep = thousand_sep[::-1]
    for digit in reversed(int_part):
        if cnt and cnt == active_interval:
            if intervals:
                # A 0 in a locale grouping sequence repeats the previous size.
                active_interval = intervals.pop(0) or active_interval
            grouped.append(reversed_sep)
            cnt = 0
        grouped.append(digit)
        cnt += 1
    return "".join(grouped)[::-1]
