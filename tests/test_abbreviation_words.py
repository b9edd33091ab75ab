"""N601 speaks of an abbreviation only where it stands as a word of the name: 住建 in 住建局 is one, the 住建
that 居住建筑 happens to hold is not (issue 34: a rule speaks only on positive evidence)."""

from __future__ import annotations

import pytest

from powerctl.rules.abbreviation_in_name import unexplained


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("城管执法检查", ["城管"]),
        ("城管局对违法建设的查处", ["城管"]),
        ("环保设施运行检查", ["环保"]),
        ("住建局房屋安全检查", ["住建"]),
        ("人社部门劳动保障监察", ["人社"]),
        ("农村低保对象认定", ["低保"]),
        ("低保户认定", ["低保"]),
        ("村两委换届选举指导", ["两委"]),
        ("三重一大事项集体决策", ["三重一大"]),
        ("对三资管理的监督检查", ["三资"]),
        ("三资（资金、资产、资源）管理监督", []),
        ("“三重一大”（重大决策、重要人事任免、重大项目安排和大额资金使用）事项决策", []),  # quoted, then explained
        ("“三重一大”即重大决策、重要人事任免、重大项目安排和大额资金使用事项的决策", []),
        ("“三重一大”事项决策", ["三重一大"]),  # quoted, not explained
    ],
)
def test_an_abbreviation_standing_as_a_word_is_named(name: str, found: list[str]) -> None:
    assert unexplained(name) == found


@pytest.mark.parametrize(
    "name",
    [
        "居住建筑节能设计审查",  # 居住/建筑 holds 住建
        "个人社会保险登记",  # 个人/社会保险 holds 人社
        "开发改造项目审批",  # 开发/改造 holds 发改
        "统计生产经营情况检查",  # 统计/生产 holds 计生
        "最低保障标准确定",  # 最低/保障 holds 低保
        "降低保证金标准",  # 降低/保证金 holds 低保
        "保障性住房建设项目审批",
        "城市管理行政执法检查",
    ],
)
def test_letters_of_other_words_are_no_abbreviation(name: str) -> None:
    assert unexplained(name) == []
