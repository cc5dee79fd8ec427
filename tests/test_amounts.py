from decimal import Decimal

import pytest

from parsers.amounts import parse_amount, parse_percent


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("23,278.10", "23278.10"),
        ("4, 627. 11", "4627.11"),
        ("10. 13", "10.13"),
        ("３１１．１５", "311.15"),
        ("311.15000000000009", "311.15"),
        ("2.5899999999999999", "2.59"),
        ("-12.50", "-12.50"),
        ("(12.5)", "-12.5"),
        ("0.00", "0.00"),
        ("０", "0"),
    ],
)
def test_amounts_parse(raw, expected):
    assert parse_amount(raw) == Decimal(expected)
    assert str(parse_amount(raw)) == expected


@pytest.mark.parametrize("raw", ["", "-", "—", "－", "——", "abc", "1 234", "1,2345", None, "12.5%"])
def test_non_amounts_are_none(raw):
    assert parse_amount(raw) is None


def test_percentages():
    assert parse_percent("40.28%") == Decimal("40.28")
    assert parse_percent("40.28") is None
