"""Hardship tags: one test of a household's tags, for cells and for columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from routing.tags import has_hardship_tag, is_hardship, split_tags


def test_a_cell_is_hardship_when_any_of_its_tags_is() -> None:
    assert is_hardship("退役军人; 残疾")
    assert not is_hardship("退役军人;孕妇")
    assert not is_hardship("")
    assert not is_hardship(float("nan"))
    assert split_tags(" 独居老人 ;;残疾") == {"独居老人", "残疾"}


def test_the_column_test_agrees_with_the_cell_test() -> None:
    cells = ["独居老人", "孕妇;困难家庭", "婴幼儿", None, "", " 残疾 "]
    column = has_hardship_tag(pd.Series(cells, index=[10, 11, 12, 13, 14, 15]))
    assert column.tolist() == [True, True, False, False, False, True]
    assert column.tolist() == [is_hardship(c) for c in cells]
    assert column.dtype == np.bool_
