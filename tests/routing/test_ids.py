"""Tests of routing.ids: the one rule for ids (characters and length)."""

from __future__ import annotations

import pytest

from routing.ids import ID_MAX_LENGTH, id_problem, is_valid_id


@pytest.mark.parametrize(
    "value",
    ["SZ-01", "w123456789", "3座", "红马甲一队", "H-4 (东)·1", "B1/2", "No.7#", "①号楼", "Ⅲ期_A"],
)
def test_ids_of_any_script_with_separators_pass(value: str) -> None:
    assert id_problem(value) is None and is_valid_id(value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("</script>", "'<'"),
        ("a&b", "'&'"),
        ('a"b', "'\"'"),
        ("a'b", '"\'"'),
        ("`+alert(42)+`", "'`'"),
        ("${x}", "'$'"),
        ("{x}", "'{'"),
        ("a\tb", "U+0009"),
        ("a\u202eb", "U+202E"),
        ("a\u3000b", "U+3000"),
    ],
)
def test_markup_and_control_characters_are_named(value: str, shown: str) -> None:
    problem = id_problem(value, "team id")
    assert problem is not None
    assert problem.startswith(f"team id contains the character {shown}")


def test_length_is_the_column_size() -> None:
    assert id_problem("长" * ID_MAX_LENGTH) is None
    assert id_problem("长" * (ID_MAX_LENGTH + 1)) == "id longer than 64 characters (65)"
    assert not is_valid_id("") and not is_valid_id(" a")
