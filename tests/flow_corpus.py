"""200 realistic power flows for the flowchart legibility tests (`tests/test_legibility.py`).

Modelled on published 权力运行流程图 of county bureaus, townships and villages: 行政许可 (申请, 受理 with 不予受理 and
补正 branches, 审查, 现场核查, 决定, 送达), 行政处罚 (一般程序: 立案, 调查取证, 审查, 法制审核, 集体讨论, 告知,
陈述申辩, 听证, 决定, 送达, 执行, 结案; 简易程序), 行政检查 (双随机), 行政强制 (查封扣押, 强制执行), 行政给付,
重大行政决策, and village flows (四议两公开, 三重一大, 工程项目 with 五必到, 报账 with 三签字) supervised by
村务监督. Step counts run from 3 to 25, names and descriptions from short to long, some steps 即办 (0 days),
some steps without a post (an imported 流程 with the 岗位 left blank). Deterministic: the same 200 flows every run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from powerctl.catalogue.build import build_unit
from powerctl.catalogue.model import Power, Unit
from powerctl.source.load import load_text

COUNT = 200
Step = dict[str, Any]

_BUREAU_POSTS = [
    ("ck", "政务服务窗口工作人员", "ck", "经办人员"),
    ("yw_jb", "行政审批股工作人员", "yw", "经办人员"),
    ("yw_gz", "行政审批股股长", "yw", "内设机构负责人"),
    ("fg", "政策法规股股长（法制审核人员）", "fg", "内设机构负责人"),
    ("fjz", "分管副局长", "ld", "分管领导"),
    ("jz", "党组书记、局长", "ld", "主要领导"),
    ("jtt", "局重大行政执法决定集体讨论会议", "ld", "集体"),
    ("dzhy", "局党组会议", "ld", "集体"),
    ("zfy", "综合行政执法大队执法人员", "zf", "经办人员"),
    ("ddz", "综合行政执法大队大队长", "zf", "内设机构负责人"),
    ("jjz", "派驻纪检监察组组长", "jjz", "分管领导"),
    ("cw", "财务股股长", "cw", "内设机构负责人"),
]
_TOWN_POSTS = [
    ("ck", "便民服务中心窗口工作人员", "ck", "经办人员"),
    ("yw_jb", "社会事务办公室工作人员", "yw", "经办人员"),
    ("yw_gz", "社会事务办公室主任", "yw", "内设机构负责人"),
    ("fg", "司法所所长（法制审核人员）", "fg", "内设机构负责人"),
    ("fjz", "分管副镇长", "ld", "分管领导"),
    ("jz", "镇长", "ld", "主要领导"),
    ("jtt", "镇人民政府常务会议", "ld", "集体"),
    ("dzhy", "镇党委会议", "ld", "集体"),
    ("zfy", "综合行政执法办公室执法人员", "zf", "经办人员"),
    ("ddz", "综合行政执法办公室主任", "zf", "内设机构负责人"),
    ("jjz", "镇纪委书记", "jjz", "分管领导"),
    ("cw", "财政所所长", "cw", "内设机构负责人"),
]
_VILLAGE_POSTS = [
    ("shuji", "村党支部书记、村民委员会主任", "cwh", "主要领导", None),
    ("fzr", "村民委员会副主任", "cwh", "分管领导", None),
    ("bz", "村民委员会委员（报账员）", "cwh", "经办人员", "报账员"),
    ("ws", "村民委员会委员（文书）", "cwh", "经办人员", None),
    ("jd", "村务监督委员会主任", "jwjd", "内设机构负责人", "村务监督"),
    ("zwh", "村党支部委员会会议", "dzb", "集体", None),
    ("lxh", "村“两委”联席会议", "cwh", "集体", None),
    ("dydh", "村党员大会", "dzb", "集体", None),
    ("cmdb", "村民代表会议", "cwh", "集体", None),
    ("ysxz", "工程验收小组", "cwh", "集体", None),
    ("zhen", "镇人民政府", "xgf", "外部", None),
]
_DEPARTMENTS = {
    "ck": "政务服务窗口",
    "yw": "业务股室",
    "fg": "政策法规股",
    "ld": "领导班子",
    "zf": "综合行政执法大队",
    "jjz": "纪检监察组",
    "cw": "财务股",
    "xgf": "外部相关方",
    "cwh": "村民委员会",
    "jwjd": "村务监督委员会",
    "dzb": "村党支部",
}

_LONG = [
    "审查申请材料的真实性、完整性并组织两名以上工作人员现场核查",
    "对涉及公共利益的重大许可事项向社会公告并举行听证",
    "对当事人提出的事实、理由和证据进行复核",
    "征求住房城乡建设、公安交通管理等相关部门的书面意见",
]


def _s(
    sid: str, name: str, kind: str, post: str | None, days: int | None, does: str | None = None, **more: Any
) -> Step:
    step: Step = {"id": sid, "name": name, "kind": kind}
    if post is not None:
        step["post"] = post
    if days is not None:
        step["days"] = days
    if does:
        step["does"] = does
    step.update(more)
    return step


def _to(*pairs: tuple[str, str | None]) -> list[Any]:
    return [{"to": t, "when": w} if w else t for t, w in pairs]


class _Maker:
    def __init__(self, rng: random.Random, external: bool) -> None:
        self.rng = rng
        self.external = external  # the unit has posts for 申请人 and 当事人

    def days(self, low: int, high: int) -> int:
        return 0 if self.rng.random() < 0.15 else self.rng.randint(low, high)

    def party(self, post: str) -> str | None:
        """The applicant's or party's post, or none (a 岗位 left blank) now and then."""
        return post if self.external and self.rng.random() < 0.8 else None

    def does(self, short: str) -> str:
        r = self.rng.random()
        if r < 0.2:
            return short
        if r < 0.35:
            return self.rng.choice(_LONG)
        return short + "，" + self.rng.choice(["并做好记录", "形成书面意见", "在规定时限内办结", "材料归档备查"])

    def name(self, short: str, long: str) -> str:
        return long if self.rng.random() < 0.15 else short


def _licence(m: _Maker) -> list[Step]:
    r = m.rng
    steps = [
        _s(
            "sq",
            m.name("提出申请", "申请人提出申请并提交材料"),
            "start",
            m.party("sqr"),
            0,
            "申请人通过窗口或者政务服务网提交申请",
        ),
        _s("sl", "受理", "decision", "ck", m.days(0, 2), "审查申请材料是否齐全、是否符合法定形式"),
    ]
    branches = [("sc", "材料齐全、符合法定形式")]
    if r.random() < 0.8:
        branches.append(("bz", "材料不齐全"))
        steps.append(_s("bz", "一次性告知补正", "task", "ck", 0, "出具补正材料通知书", next=["bzj"]))
        steps.append(_s("bzj", "申请人补正材料", "end", m.party("sqr"), None))
    if r.random() < 0.7:
        branches.append(("bsl", "不属于受理范围"))
        steps.append(_s("bsl", "不予受理", "end", "ck", 0, "出具不予受理决定书并说明理由"))
    steps[1]["next"] = _to(*branches)
    chain = [("sc", m.name("审查", "审查申请材料并提出初审意见"), "yw_jb", m.does("审查申请材料的实质内容"))]
    if r.random() < 0.6:
        chain.append(("hc", "现场核查", "yw_jb", m.does("两名以上工作人员现场核查")))
    if r.random() < 0.3:
        chain.append(("tz", r.choice(["听证", "专家评审", "征求相关部门意见"]), "yw_gz", m.does("依法组织")))
    chain.append(("sh", "审核", "yw_gz", m.does("复核审查意见，提出审核意见")))
    for k, (sid, name, post, does) in enumerate(chain):
        nxt = chain[k + 1][0] if k + 1 < len(chain) else "jd"
        steps.append(_s(sid, name, "task", post, m.days(1, 5), does, next=[nxt]))
    steps.append(_s("jd", "决定", "decision", "fjz", m.days(1, 3), "作出准予或者不予许可的决定",
                    next=_to(("zz", "准予许可"), ("byxk", "不予许可"))))  # fmt: skip
    shown = {"scope": "社会公开", "forms": ["政府网站"], "within_days": 7}
    name = r.choice(["制证送达", "制作许可证件并送达"])
    steps.append(_s("zz", name, "task", "ck", m.days(0, 2), "制作并送达许可证件", next=["gk"], disclosure=shown))
    steps.append(_s("byxk", "不予许可告知", "task", "ck", 0, "书面说明理由，告知申请行政复议或者提起行政诉讼的权利",
                    next=["gk"]))  # fmt: skip
    steps.append(_s("gk", "办结归档", "end", "ck", 0))
    return steps


def _penalty(m: _Maker) -> list[Step]:
    r = m.rng
    if r.random() < 0.15:  # 简易程序
        steps = [
            _s("fx", "表明身份、现场检查", "start", "zfy", 0, "执法人员出示执法证件"),
            _s("gz", "告知违法事实和处罚依据", "task", "zfy", 0),
            _s("ct", "听取陈述申辩", "task", m.party("dsr"), 0, "当事人陈述和申辩"),
            _s("jd", "当场作出处罚决定", "task", "zfy", 0, "填写预定格式、编有号码的行政处罚决定书"),
            _s("ba", "报所属行政机关备案", "end", "ddz", r.randint(1, 3)),
        ]
        return steps[: r.randint(3, 5)] if r.random() < 0.5 else steps
    steps = [
        _s("fx", r.choice(["案件来源", "案源发现", "发现违法行为"]), "start", "zfy", 0,
           "通过日常巡查、投诉举报、部门移送发现案件线索"),
        _s("la", "立案审批", "decision", "ddz", m.days(1, 7), "判断是否符合立案条件",
           next=_to(("dc", "符合立案条件"), ("bla", "不符合立案条件"))),
        _s("bla", "不予立案", "end", "ddz", 0, "告知举报人或者移送人"),
        _s("dc", "调查取证", "task", "zfy", m.days(10, 30),
           m.does("两名以上执法人员调查取证，制作询问笔录、现场检查笔录")),
    ]  # fmt: skip
    seq = []
    if r.random() < 0.3:
        seq.append(_s("jc", "检测、检验、鉴定", "task", "zfy", m.days(5, 15), m.does("委托有资质的机构检测")))
    seq.append(_s("sc", "案件审查", "decision", "ddz", m.days(1, 5), "审查证据是否确凿、程序是否合法"))
    heavy = r.random() < 0.6
    if heavy:
        seq.append(_s("fz", "法制审核", "task", "fg", m.days(2, 5), m.does("审核执法主体、事实、证据、程序和法律适用")))
        seq.append(
            _s("jt", "集体讨论决定", "collective", "jtt", m.days(1, 3), m.does("情节复杂或者重大违法行为集体讨论"))
        )
    seq.append(
        _s(
            "gz",
            m.name("告知", "行政处罚事先告知"),
            "task",
            "zfy",
            m.days(1, 3),
            "告知拟作出处罚的内容及事实、理由、依据",
        )
    )
    seq.append(_s("ct", "陈述申辩", "task", m.party("dsr"), r.randint(3, 5), "当事人在规定期限内陈述、申辩"))
    if r.random() < 0.6:
        seq.append(_s("tz", "是否听证", "decision", "ddz", 0, None))
        seq.append(_s("zt", "组织听证", "task", "fg", m.days(7, 15), m.does("公开举行听证并制作听证笔录")))
    seq.append(_s("jd", "作出决定", "decision", "fjz", m.days(1, 5), "根据不同情况作出处罚或者不予处罚的决定"))
    for k, step in enumerate(seq):
        if step["id"] == "sc":
            nxt = seq[k + 1]["id"]
            if heavy:
                step["next"] = _to((nxt, "情节复杂或者重大违法"), ("gz", "一般案件"))
            else:
                step["next"] = _to((nxt, "事实清楚、证据确凿"), ("dc", "需要补充调查"))
        if step["id"] == "tz":
            step["next"] = _to(("zt", "当事人申请听证"), ("jd", "未申请听证"))
    steps.extend(seq)
    steps[-1]["next"] = _to(("sd", "给予行政处罚"), ("bcf", "不予行政处罚"))
    steps.append(_s("sd", "送达", "task", "zfy", m.days(1, 7), "送达行政处罚决定书",
                    disclosure={"scope": "社会公开", "forms": ["政府网站"], "within_days": 7}))  # fmt: skip
    if r.random() < 0.6:
        steps.append(_s("zx", "执行", "task", m.party("dsr"), 15, "当事人自收到决定书之日起十五日内缴纳罚款"))
    if r.random() < 0.4:
        steps.append(_s("qz", "申请人民法院强制执行", "task", "fg", m.days(3, 10), "当事人逾期不履行的依法申请"))
    steps.append(_s("ja", "结案归档", "end", "ddz", m.days(1, 3), m.does("制作结案报告，案卷立卷归档")))
    steps.insert(len(steps) - 1, _s("bcf", "不予处罚", "task", "zfy", 0, "制作不予行政处罚决定书", next=["ja"]))
    return steps


def _inspection(m: _Maker) -> list[Step]:
    r = m.rng
    steps = [
        _s("jh", "制定检查计划", "start", "yw_gz", m.days(1, 5), "制定年度“双随机、一公开”抽查计划"),
        _s("cq", "随机抽取对象和人员", "task", "yw_jb", 1, m.does("从检查对象名录库和执法人员名录库随机抽取")),
        _s("ss", "实施检查", "task", "zfy", m.days(1, 10), m.does("两名以上执法人员出示执法证件，依法检查")),
        _s("jg", "检查结果处理", "decision", "ddz", m.days(1, 3), "根据检查情况分类处理",
           next=_to(("zg", "发现问题"), ("gs", "未发现问题"))),
        _s("zg", "责令限期整改", "task", "zfy", m.days(5, 30), "下达责令整改通知书", next=["fc"]),
        _s("fc", "复查", "task", "zfy", m.days(1, 5), m.does("对整改情况进行复查"), next=["gs"]),
        _s("gs", "结果公示", "end", "yw_jb", 20, "检查结果在国家企业信用信息公示系统公示",
           disclosure={"scope": "社会公开", "forms": ["政府网站"], "within_days": 20}),
    ]  # fmt: skip
    if r.random() < 0.4:
        steps[3]["next"].append({"to": "yj", "when": "涉嫌违法需立案查处"})
        steps.insert(-1, _s("yj", "移交立案查处", "task", "ddz", 1, None, next=["gs"]))
    return steps


def _coercion(m: _Maker) -> list[Step]:
    r = m.rng
    steps = [
        _s("bg", "报告审批", "decision", "ddz", m.days(0, 1), "实施前向行政机关负责人报告并经批准",
           next=_to(("tz", "批准实施"), ("bss", "不予批准"))),
        _s("bss", "不予实施", "end", "ddz", 0),
        _s("tz", "通知当事人到场", "task", "zfy", 0, "通知当事人到场，当场告知理由、依据和救济途径"),
        _s("ss", "实施查封、扣押", "task", "zfy", 0, m.does("制作现场笔录和查封扣押清单")),
        _s("qm", "当事人签名", "task", m.party("dsr"), 0, "当事人和执法人员在现场笔录上签名或者盖章"),
        _s("sd", "送达决定书", "task", "zfy", m.days(0, 1), "送达查封扣押决定书和清单"),
        _s("hc", "核查处理", "decision", "ddz", m.days(10, 30), "在查封扣押期限内查明事实",
           next=_to(("jc", "违法事实不成立"), ("ms", "违法事实成立"))),
        _s("jc", "解除查封、扣押", "end", "zfy", m.days(1, 3), "退还财物"),
        _s("ms", "依法作出处理决定", "end", "fjz", m.days(1, 5), m.does("依法没收或者销毁")),
    ]  # fmt: skip
    if r.random() < 0.5:
        steps[0]["kind"] = "start"
        steps[0]["kind"] = "decision"
        steps.insert(0, _s("fx", "发现违法行为", "start", "zfy", 0, None))
    return steps


def _benefit(m: _Maker) -> list[Step]:
    r = m.rng
    steps = [
        _s("sq", "提出申请", "start", m.party("sqr"), 0, "申请人向户籍所在地提出书面申请"),
        _s("sl", "受理", "decision", "ck", m.days(0, 3), "审查申请材料",
           next=_to(("dc", "符合条件"), ("bsl", "不符合条件"))),
        _s("bsl", "不予受理并告知理由", "end", "ck", 0),
        _s("dc", "入户调查", "task", "yw_jb", m.days(3, 10), m.does("两名以上工作人员入户调查家庭经济状况")),
    ]  # fmt: skip
    if r.random() < 0.7:
        steps.append(_s("py", "民主评议", "collective", "jtt", m.days(1, 5), m.does("组织民主评议")))
    steps.append(_s("sh", "审核", "task", "yw_gz", m.days(1, 5), m.does("提出审核意见")))
    steps.append(_s("gs", "公示", "task", "yw_jb", 7, "在村（居）务公开栏公示",
                    disclosure={"scope": "社会公开", "forms": ["公示栏"], "within_days": 7}))  # fmt: skip
    steps.append(_s("sp", "审批", "decision", "fjz", m.days(1, 10), "作出批准或者不予批准的决定",
                    next=_to(("ff", "批准"), ("bpz", "不予批准"))))  # fmt: skip
    steps.append(_s("ff", "发放", "end", "cw", m.days(1, 15), m.does("按月社会化发放")))
    steps.append(_s("bpz", "书面告知不予批准的理由", "end", "ck", 0))
    return steps


def _village_decision(m: _Maker) -> list[Step]:
    """四议两公开 (三重一大, 五必到)."""
    r = m.rng
    steps = [
        _s("ty", "村党支部提议", "start", "zwh", m.days(1, 5), m.does("广泛征求意见后提出议题")),
        _s("sy", "村“两委”会议商议", "collective", "lxh", m.days(1, 5), m.does("充分讨论形成初步方案")),
        _s("yj", "征求党员和村民代表意见", "task", "ws", m.days(3, 7), None),
        _s("sy2", "党员大会审议", "collective", "dydh", m.days(1, 3), m.does("审议初步方案")),
        _s("jy", "村民代表会议决议", "collective", "cmdb", m.days(1, 3), "到会人员过半数同意方为通过"),
        _s("bj", "宣布表决结果", "decision", "shuji", 0, None,
           next=_to(("gk1", "表决通过"), ("th", "未获通过"))),
        _s("th", "退回重新商议", "end", "shuji", 0),
        _s("gk1", "决议公开", "task", "ws", 7, "在村务公开栏公开决议内容",
           disclosure={"scope": "社会公开", "forms": ["村务公开栏"], "within_days": 7}),
        _s("ss", "组织实施", "task", "fzr", m.days(10, 60), m.does("按照决议组织实施")),
        _s("gk2", "实施结果公开", "task", "ws", 7, "公开实施结果，接受村民监督",
           disclosure={"scope": "社会公开", "forms": ["村务公开栏"], "within_days": 7}),
        _s("gd", "资料归档", "end", "ws", 3),
    ]  # fmt: skip
    if r.random() < 0.3:
        del steps[2]
    if r.random() < 0.4:
        steps.insert(-1, _s("ba", "报镇人民政府备案", "task", "zhen", m.days(3, 7), None))
    return steps


def _village_project(m: _Maker) -> list[Step]:
    """A village project: 立项, 决议, 镇审核, 比选, 施工, 验收 (五必到), 结算, 公开."""
    r = m.rng
    steps = [
        _s("tx", "项目申报提议", "start", m.party("cm"), 0, "村民或者村民小组提出项目建议"),
        _s("ty", "村党支部提议", "task", "zwh", m.days(1, 5), None),
        _s("sy", "“两委”联席会议商议", "collective", "lxh", m.days(1, 3), m.does("研究项目方案和预算")),
        _s("jy", "村民代表会议决议", "collective", "cmdb", m.days(1, 3), m.does("表决项目方案")),
        _s("zs", "报镇人民政府审核", "decision", "zhen", m.days(5, 15), "审核项目预算和实施方式",
           next=_to(("bx", "审核同意"), ("ty", "退回修改"))),
        _s("bx", "公开比选施工单位", "task", "fzr", m.days(7, 20), m.does("公开比选、签订施工合同")),
        _s("sg", "施工与质量监督", "task", "fzr", m.days(30, 90), m.does("村务监督委员会全程监督施工质量")),
        _s("ys", "工程验收", "collective", "ysxz", m.days(1, 5), "验收小组验收，村务监督委员会成员到场"),
        _s("js", "结算报账", "task", "bz", m.days(3, 10), m.does("经手人、审核人、批准人三签字")),
        _s("gk", "结果公开", "end", "ws", 7, "公开项目资金使用和验收情况",
           disclosure={"scope": "社会公开", "forms": ["村务公开栏"], "within_days": 7}),
    ]  # fmt: skip
    extra = r.randint(0, 12)  # a large project: more stages between the town's approval and the works
    if extra:  # the approval leads to the first of them (else they could not be reached: G-rule unreachable-step)
        steps[4]["next"] = _to(("x0", "审核同意"), ("ty", "退回修改"))
    stages = ["勘察设计", "编制预算", "预算评审", "公示项目方案", "办理用地手续", "签订施工合同", "开工前交底",
              "隐蔽工程验收", "中期检查", "资金拨付审核", "竣工资料整理", "审计"]  # fmt: skip
    for k in range(extra):
        steps.insert(5 + k, _s(f"x{k}", stages[k], "task", r.choice(["fzr", "bz", "ws", "shuji"]), m.days(1, 10), None))
    return steps


def _village_expense(m: _Maker) -> list[Step]:
    """报账 with 三签字."""
    return [
        _s("jb", "经手人报账", "start", "bz", m.days(0, 3), "经手人整理原始凭证并签字"),
        _s("sh", "村务监督委员会审核", "task", "jd", m.days(1, 3), "审核票据的真实性、合法性并签字"),
        _s("sp", "村委会主任审批", "decision", "shuji", m.days(0, 2), "审批并签字",
           next=_to(("jtyj", "超过限额"), ("dl", "限额以内"))),
        _s("jtyj", "“两委”集体研究", "collective", "lxh", m.days(1, 5), None, next=["dl"]),
        _s("dl", "镇代理服务中心审核入账", "task", "zhen", m.days(3, 10), m.does("审核凭证、记账")),
        _s("gk", "财务公开", "end", "ws", 30, "按季度公开财务收支",
           disclosure={"scope": "社会公开", "forms": ["村务公开栏"], "within_days": 30}),
    ]  # fmt: skip


def _major_decision(m: _Maker) -> list[Step]:
    """重大行政决策: 15–25 steps."""
    r = m.rng
    names = [
        ("ty", "提出决策事项", "jz"), ("lx", "决策立项", "dzhy"), ("dy", "调查研究", "yw_jb"),
        ("qc", "起草决策草案", "yw_gz"),
        ("zq", "征求有关部门意见", "yw_jb"), ("gz", "公开征求公众意见", "yw_jb"), ("tz", "召开听证会", "fg"),
        ("zj", "专家论证", "yw_gz"), ("fx", "风险评估", "yw_gz"), ("hf", "合法性审查", "fg"),
        ("xg", "修改完善草案", "yw_gz"), ("bz", "报分管领导审核", "fjz"), ("jt", "集体讨论决定", "jtt"),
        ("dw", "报党委研究", "dzhy"), ("gb", "决策公布", "yw_jb"), ("zx", "组织实施", "yw_gz"),
        ("gz2", "跟踪反馈", "yw_jb"), ("pg", "决策后评估", "fg"), ("tz2", "调整或者停止执行", "jtt"),
        ("ys", "预算安排", "cw"), ("ba", "备案", "yw_jb"), ("da", "立卷归档", "yw_jb"),
        ("xc", "宣传解读", "yw_jb"), ("jd", "监督检查", "jjz"),
    ]  # fmt: skip
    n = r.randint(15, 25)
    chosen = sorted(r.sample(range(len(names)), n - 1))
    steps = []
    for k, idx in enumerate(chosen):
        sid, name, post = names[idx]
        kind = "start" if k == 0 else "collective" if post in ("jtt", "dzhy") else "task"
        steps.append(
            _s(sid, name, kind, post, m.days(1, 10), m.does(name + "并形成材料") if r.random() < 0.5 else None)
        )
    steps.append(_s("end", "办结", "end", "yw_jb", 0))
    return steps


_CATEGORIES: list[tuple[str, Callable[[_Maker], list[Step]], bool]] = [  # category, maker, village
    ("行政许可", _licence, False),
    ("行政处罚", _penalty, False),
    ("行政检查", _inspection, False),
    ("行政强制", _coercion, False),
    ("行政给付", _benefit, False),
    ("重大事项决策", _village_decision, True),
    ("公共服务", _village_project, True),
    ("内部管理", _village_expense, True),
    ("其他行政权力", _major_decision, False),
]
_WEIGHTS = [34, 34, 18, 14, 14, 30, 22, 20, 14]

_POWER_NAMES = {
    "行政许可": ["临时占用城市道路许可", "户外广告设施设置审批", "食品经营许可", "城镇污水排入排水管网许可",
             "建设工程规划许可", "乡村建设规划许可", "取水许可", "特种设备使用登记"],
    "行政处罚": ["对擅自占用城市道路的处罚", "对未取得食品经营许可从事食品经营活动的处罚",
             "对违反规定倾倒建筑垃圾的处罚", "对违法建设的处罚", "对非法采矿的处罚"],
    "行政检查": ["对食品经营者的监督检查", "对特种设备使用单位的监督检查", "对城市道路占用挖掘的监督检查"],
    "行政强制": ["查封、扣押违法生产经营的物品", "强制拆除违法建筑物", "扣押非法采矿的工具"],
    "行政给付": ["最低生活保障金给付", "特困人员救助供养金给付", "临时救助金给付", "残疾人两项补贴给付"],
    "重大事项决策": ["村级重大事项决策", "村集体资产处置", "村集体经济项目立项", "宅基地分配方案决定"],
    "公共服务": ["村级小型工程建设项目管理", "村道硬化项目实施", "农田水利设施建设项目管理"],
    "内部管理": ["村级财务报账", "村级资金支出审批", "村集体资金使用管理"],
    "其他行政权力": ["重大行政决策", "城市总体规划编制决策", "重大项目投资决策"],
}  # fmt: skip
_HAS_PARTY = {"行政许可": "sqr", "行政处罚": "dsr", "行政强制": "dsr", "行政给付": "sqr", "公共服务": "cm"}


def _unit(n: int, village: bool, external: bool, rng: random.Random) -> dict[str, Any]:
    posts: list[dict[str, Any]] = []
    if village:
        for pid, name, dept, rank, role in _VILLAGE_POSTS:
            posts.append(
                {"id": pid, "name": name, "department": dept, "rank": rank, **({"role": role} if role else {})}
            )
        if external:
            posts.append({"id": "cm", "name": "村民（申请人）", "department": "xgf", "rank": "外部"})
    else:
        for pid, name, dept, rank in rng.choice([_BUREAU_POSTS, _TOWN_POSTS]):
            posts.append({"id": pid, "name": name, "department": dept, "rank": rank})
        if external:
            posts.append({"id": "sqr", "name": "申请人", "department": "xgf", "rank": "外部"})
            posts.append({"id": "dsr", "name": "当事人", "department": "xgf", "rank": "外部"})
    used = {p["department"] for p in posts}
    return {
        "id": f"gen-{n:02d}",
        "name": f"{'示范村' if village else '示范县局'}{n}号单位",
        "region": "湖南省娄底市冷水江市",
        "level": "村级" if village else "县级",
        "departments": [{"id": d, "name": _DEPARTMENTS[d]} for d in _DEPARTMENTS if d in used],
        "posts": posts,
        "complaint_channels": [{"way": "电话", "contact": "12345"}],
    }


def _supervision(steps: list[Step], village: bool, rng: random.Random) -> list[dict[str, str]]:
    by = "jd" if village else "jjz"
    kinds = ("collective", "decision")
    picks = [s["id"] for s in steps if s["kind"] in kinds] or [steps[0]["id"]]
    picks = picks[: rng.randint(1, 3)]
    return [{"at": p, "by": by, "how": rng.choice(["全程监督", "到场监督并签字", "定期抽查"])} for p in picks]


def _power(
    k: int, category: str, steps: list[Step], village: bool, rng: random.Random, posts: set[str]
) -> dict[str, Any]:
    for step in steps:  # a party post the unit lacks: the step is left without a post
        if step.get("post") not in posts:
            step.pop("post", None)
    name = rng.choice(_POWER_NAMES[category])
    return {
        "id": f"P-{k:03d}",
        "name": f"{name}（{k}）",
        "category": category,
        "department": "cwh" if village else "yw",
        "status": "保留",
        "basis": [{"law": "中华人民共和国行政许可法", "article": "第三十条", "role": "设定依据"}],
        "time_limit": {"statutory": None, "promised": 20, "unit": "工作日"},
        "fee": {"charged": False},
        "disclosure": {"scope": "社会公开", "forms": ["政府网站"]},
        "flow": {
            "kind": "内部" if rng.random() < 0.2 else "外部",
            "conditions": ["符合法定条件"],
            "steps": steps,
            "supervision": _supervision(steps, village, rng),
            "rights": ["陈述权", "申辩权"] if category in _HAS_PARTY else [],
        },
    }


@lru_cache(maxsize=1)
def corpus() -> tuple[tuple[Unit, Power], ...]:
    """The 200 flows, each with the unit it belongs to."""
    rng = random.Random(35)
    docs: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    units: dict[tuple[bool, bool], tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for k in range(COUNT):
        category, maker, village = rng.choices(_CATEGORIES, weights=_WEIGHTS)[0]
        external = rng.random() < 0.8
        key = (village, external)
        if key not in units or len(units[key][1]) >= 20:
            units[key] = (_unit(len(docs), village, external, rng), [])
            docs.append(units[key])
        unit, powers = units[key]
        steps = maker(_Maker(rng, external))
        powers.append(_power(k, category, steps, village, rng, {p["id"] for p in unit["posts"]}))
    out = []
    for unit, powers in docs:
        text = json.dumps({"schema": "powerctl/catalogue@1", "unit": unit, "powers": powers}, ensure_ascii=False)
        doc = load_text(f"{unit['id']}.yaml", text)
        assert doc.ok, doc.problems
        built = build_unit(doc, set())
        assert built is not None
        out.extend((built, p) for p in built.powers)
    return tuple(out)
