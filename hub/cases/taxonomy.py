"""The taxonomies of a case's outcome (workflow.md §4.3–4.9), as data: each term has a code (stored), a Chinese name
(shown first) and an English translation.

The lists follow the 2023 纪律处分条例 (disciplines: chapters 6–11; party sanctions: art. 8), the 政务处分法 (arts. 7–8),
the 组织处理规定 and 问责条例 (other dispositions), the CCDI's monthly eight-point tables and its statistics by rank. The
sub-items of each discipline are the headings a county's statistics use; each list ends with "other" so that nothing
must be forced into a wrong box. Codes never change once stored; a name may be reworded here at any time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    parent: str = ""  # the discipline of a violation, the class of an eight-point item, the group of a disposition
    forms: frozenset[str] = field(default_factory=frozenset)  # a sanction: the forms (四种形态) it may belong to

    def name(self, locale: str = "zh_CN") -> str:
        return self.zh if locale.startswith("zh") else self.en


class Taxonomy:
    """An ordered list of terms, looked up by code."""

    def __init__(self, key: str, zh: str, en: str, terms: list[Term]) -> None:
        self.key, self.zh, self.en = key, zh, en
        self.terms = tuple(terms)
        self._by_code = {t.code: t for t in terms}
        if len(self._by_code) != len(terms):
            raise ValueError(f"duplicate codes in {key}")

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str | None) -> Term | None:
        return self._by_code.get(code) if code else None

    def name_of(self, code: str | None, locale: str = "zh_CN") -> str:
        """The term's name; a code no longer listed shows as itself (never an empty cell)."""
        term = self.get(code)
        return term.name(locale) if term is not None else (code or "")

    def under(self, parent: str) -> list[Term]:
        return [t for t in self.terms if t.parent == parent]

    def title(self, locale: str = "zh_CN") -> str:
        return self.zh if locale.startswith("zh") else self.en


def _t(code: str, zh: str, en: str, parent: str = "", forms: str = "") -> Term:
    return Term(code, zh, en, parent, frozenset(f for f in forms.split(",") if f))


# §4.3: the six disciplines, and for 监察 cases the two legal categories
DISCIPLINES = Taxonomy(
    "discipline",
    "违反的纪律",
    "Discipline violated",
    [
        _t("political", "政治纪律", "Political discipline"),
        _t("organisational", "组织纪律", "Organisational discipline"),
        _t("integrity", "廉洁纪律", "Integrity discipline"),
        _t("masses", "群众纪律", "Discipline towards the masses"),
        _t("work", "工作纪律", "Work discipline"),
        _t("life", "生活纪律", "Discipline of personal life"),
        _t("duty_violation", "职务违法", "Duty violation"),
        _t("duty_crime", "职务犯罪", "Duty crime"),
    ],
)

VIOLATIONS = Taxonomy(
    "violation",
    "违纪违法行为",
    "Violations found",
    [
        # 第六章 政治纪律
        _t(
            "political.statements",
            "公开发表违背党的路线方针政策的言论、妄议党中央大政方针",
            "Public statements against the Party's line; improper comments on central policy",
            "political",
        ),
        _t("political.factions", "搞团团伙伙、结党营私、拉帮结派", "Cliques, factions and personal followings", "political"),
        _t("political.two_faced", "对党不忠诚不老实、搞两面派做两面人", "Disloyalty and double-dealing", "political"),
        _t(
            "political.obstruction",
            "对抗组织审查（串供、伪造销毁证据、转移赃款赃物等）",
            "Obstructing the review (collusion, destroying evidence, hiding proceeds)",
            "political",
        ),
        _t("political.decisions", "对党中央决策部署阳奉阴违、搞变通", "Paying lip service to central decisions", "political"),
        _t("political.superstition", "组织参加迷信活动", "Organising or joining superstitious activities", "political"),
        _t("political.other", "其他违反政治纪律行为", "Other violations of political discipline", "political"),
        # 第七章 组织纪律
        _t(
            "organisational.democratic_centralism",
            "违反民主集中制原则、个人或少数人决定重大问题",
            "Breaching democratic centralism",
            "organisational",
        ),
        _t(
            "organisational.reporting",
            "不按规定请示报告重大事项、不如实报告个人有关事项",
            "Failing to report major matters or personal matters truthfully",
            "organisational",
        ),
        _t(
            "organisational.appointments",
            "违规选拔任用干部、在选举中拉票贿选",
            "Improper appointments; canvassing or bribery in elections",
            "organisational",
        ),
        _t("organisational.records", "篡改伪造个人档案资料", "Falsifying personal records", "organisational"),
        _t(
            "organisational.travel",
            "违规出国（境）、违规办理持有因私出入境证件",
            "Improper travel abroad or private travel documents",
            "organisational",
        ),
        _t("organisational.other", "其他违反组织纪律行为", "Other violations of organisational discipline", "organisational"),
        # 第八章 廉洁纪律
        _t(
            "integrity.power_for_money",
            "利用职务便利为他人谋利、收受财物（权钱交易）",
            "Using one's post for others' benefit and taking money",
            "integrity",
        ),
        _t("integrity.gifts", "违规收送礼品礼金、消费卡", "Improper gifts, cash gifts and cards", "integrity"),
        _t(
            "integrity.banquets",
            "违规吃喝、接受可能影响公正执行公务的宴请",
            "Improper eating and drinking, banquets from those one regulates",
            "integrity",
        ),
        _t(
            "integrity.business",
            "违规经商办企业、违规兼职取酬",
            "Running businesses or paid side posts against the rules",
            "integrity",
        ),
        _t("integrity.relatives", "利用职权为亲属及特定关系人谋利", "Benefits for relatives and close associates", "integrity"),
        _t("integrity.allowances", "违规发放津贴补贴奖金", "Improper allowances, subsidies or bonuses", "integrity"),
        _t("integrity.cars_offices", "违规配备使用公车、违规使用办公用房", "Improper official cars or offices", "integrity"),
        _t("integrity.celebrations", "违规操办婚丧喜庆事宜", "Improper weddings, funerals or celebrations", "integrity"),
        _t("integrity.other", "其他违反廉洁纪律行为", "Other violations of integrity discipline", "integrity"),
        # 第九章 群众纪律
        _t(
            "masses.funds",
            "截留挪用、优亲厚友（惠民惠农、扶贫、低保等资金）",
            "Diverting or favouring relatives with benefit funds",
            "masses",
        ),
        _t("masses.charges", "超标准超范围收费、乱摊派、吃拿卡要", "Excessive charges, levies and petty extortion", "masses"),
        _t("masses.indifference", "漠视群众利益、对群众诉求消极应付", "Indifference to people's interests and demands", "masses"),
        _t("masses.interference", "干涉群众生产经营自主权", "Interfering in people's production and business", "masses"),
        _t("masses.other", "其他违反群众纪律行为", "Other violations of discipline towards the masses", "masses"),
        # 第十章 工作纪律
        _t("work.responsibility", "管党治党主体责任落实不力", "Failing the main responsibility for Party governance", "work"),
        _t("work.dereliction", "工作中不负责任、失职失责", "Irresponsibility and dereliction in work", "work"),
        _t("work.formalism", "形式主义、官僚主义", "Formalism and bureaucratism", "work"),
        _t(
            "work.interference",
            "违规干预插手市场经济、司法、执纪执法活动",
            "Interfering in markets, justice or discipline work",
            "work",
        ),
        _t("work.secrets", "泄露扩散窃取审查调查等工作秘密", "Leaking or stealing work secrets", "work"),
        _t("work.other", "其他违反工作纪律行为", "Other violations of work discipline", "work"),
        # 第十一章 生活纪律
        _t("life.extravagance", "生活奢靡、贪图享乐、追求低级趣味", "Extravagance and hedonism", "life"),
        _t("life.improper_relations", "与他人发生不正当性关系", "Improper sexual relations", "life"),
        _t("life.family", "家风不正、对亲属失管失教", "Poor family conduct; failing to keep relatives in check", "life"),
        _t("life.public_order", "违背社会公序良俗", "Breaching public order and good customs", "life"),
        _t("life.other", "其他违反生活纪律行为", "Other violations of discipline of personal life", "life"),
        # 职务违法、职务犯罪 (监察)
        _t("duty_violation.corruption", "贪污贿赂类职务违法", "Corruption and bribery (duty violation)", "duty_violation"),
        _t(
            "duty_violation.abuse",
            "滥用职权、玩忽职守类职务违法",
            "Abuse of power or neglect of duty (duty violation)",
            "duty_violation",
        ),
        _t("duty_violation.other", "其他职务违法", "Other duty violations", "duty_violation"),
        _t("duty_crime.corruption", "贪污贿赂犯罪", "Corruption and bribery crimes", "duty_crime"),
        _t("duty_crime.abuse", "滥用职权、玩忽职守犯罪", "Crimes of abuse of power or neglect of duty", "duty_crime"),
        _t("duty_crime.other", "其他职务犯罪", "Other duty crimes", "duty_crime"),
    ],
)

# §4.8: the eight-point regulation, two classes and 16 sub-classes (6 split in two)
EIGHT_POINT_CLASSES = Taxonomy(
    "eight_point_class",
    "违反中央八项规定精神问题类别",
    "Eight-point regulation class",
    [
        _t("formalism", "形式主义、官僚主义", "Formalism and bureaucratism"),
        _t("hedonism", "享乐主义、奢靡之风", "Hedonism and extravagance"),
    ],
)

EIGHT_POINT = Taxonomy(
    "eight_point",
    "违反中央八项规定精神问题",
    "Eight-point regulation items",
    [
        _t(
            "f01_decisions",
            "贯彻党中央重大决策部署有令不行、有禁不止，或表态多调门高、行动少落实差",
            "Not carrying out major central decisions; much talk, little action",
            "formalism",
        ),
        _t(
            "f02_duties",
            "在履职尽责、服务经济社会发展和生态环境保护方面不担当、不作为、乱作为、假作为",
            "Inaction, wrong or sham action in one's duties",
            "formalism",
        ),
        _t(
            "f03_service",
            "在联系服务群众中消极应付、冷硬横推、效率低下",
            "Perfunctory, cold or inefficient service to the public",
            "formalism",
        ),
        _t(
            "f04_burden",
            "文山会海反弹回潮，督查检查考核过多过频、过度留痕",
            "Too many documents, meetings and inspections",
            "formalism",
        ),
        _t("h05_gifts", "违规收送名贵特产和礼品礼金", "Improper gifts, costly local specialities, cash gifts", "hedonism"),
        _t("h06_public_meals", "违规公款吃喝", "Eating and drinking at public expense", "hedonism"),
        _t("h06_banquets", "违规接受管理和服务对象等宴请", "Banquets from those one regulates", "hedonism"),
        _t("h07_celebrations", "违规操办婚丧喜庆", "Improper weddings, funerals or celebrations", "hedonism"),
        _t("h08_allowances", "违规发放津贴补贴或福利", "Improper allowances or benefits", "hedonism"),
        _t(
            "h09_tourism",
            "公款旅游以及违规接受管理和服务对象等旅游活动安排",
            "Tourism at public expense or paid by those one regulates",
            "hedonism",
        ),
        _t("h10_cars", "违规配备使用公车", "Improper use of official cars", "hedonism"),
        _t("h11_buildings", "楼堂馆所问题", "Improper office buildings and venues", "hedonism"),
        _t("h12_hospitality", "提供或接受超标准接待", "Over-standard hospitality", "hedonism"),
        _t(
            "h13_entertainment",
            "组织或参加用公款支付的高消费娱乐健身活动",
            "Costly entertainment or fitness at public expense",
            "hedonism",
        ),
        _t(
            "h14_influence",
            "接受或提供可能影响公正执行公务的健身娱乐等活动",
            "Entertainment that may affect impartial duties",
            "hedonism",
        ),
        _t("h15_clubs", "违规出入私人会所", "Visiting private clubs", "hedonism"),
        _t("h16_housing", "领导干部住房违规", "Housing violations by leaders", "hedonism"),
    ],
)

# §4.4: the four forms
FORMS = Taxonomy(
    "form",
    "四种形态",
    "Form (of the four forms)",
    [
        _t("first", "第一种形态", "First form"),
        _t("second", "第二种形态", "Second form"),
        _t("third", "第三种形态", "Third form"),
        _t("fourth", "第四种形态", "Fourth form"),
    ],
)

# §4.5: party sanctions, with the forms each may belong to (纪律处分条例 art. 5)
PARTY_SANCTIONS = Taxonomy(
    "party_sanction",
    "党纪处分",
    "Party sanction",
    [
        _t("warning", "警告", "Warning", forms="second"),
        _t("serious_warning", "严重警告", "Serious warning", forms="second"),
        _t("removal_from_posts", "撤销党内职务", "Removal from Party posts", forms="third"),
        _t("probation_1y", "留党察看一年", "Probation within the Party, one year", forms="third"),
        _t("probation_2y", "留党察看二年", "Probation within the Party, two years", forms="third"),
        _t("expulsion", "开除党籍", "Expulsion from the Party", forms="third,fourth"),
    ],
)
# 撤销党内职务 and heavier: the 纪委 reviews, the 同级党委 approves (处分批准权限规定 art. 6)
PARTY_COMMITTEE_SANCTIONS = frozenset({"removal_from_posts", "probation_1y", "probation_2y", "expulsion"})

# §4.6: 政务处分
GOV_SANCTIONS = Taxonomy(
    "gov_sanction",
    "政务处分",
    "Government sanction (政务处分)",
    [
        _t("warning", "警告", "Warning", forms="second"),
        _t("demerit", "记过", "Demerit", forms="second"),
        _t("major_demerit", "记大过", "Major demerit", forms="second"),
        _t("demotion", "降级", "Demotion in grade", forms="third"),
        _t("dismissal", "撤职", "Dismissal from post", forms="third"),
        _t("expulsion", "开除", "Expulsion from public employment", forms="third,fourth"),
    ],
)

# §4.7 and §4.2: other dispositions, grouped
DISPOSITION_GROUPS = Taxonomy(
    "disposition_group",
    "其他处理方式类别",
    "Kind of other disposition",
    [
        _t("first_form", "第一种形态处理", "First-form handling"),
        _t("organisational", "组织处理", "Organisational handling"),
        _t("accountability", "问责", "Accountability"),
        _t("probationary", "预备党员处理", "Probationary member"),
        _t("transfer", "移送", "Transfer"),
        _t("money", "违纪违法所得", "Proceeds"),
    ],
)

DISPOSITIONS = Taxonomy(
    "disposition",
    "其他处理",
    "Other dispositions",
    [
        _t("reminder_talk", "谈话提醒", "Reminder talk", "first_form"),
        _t("criticism", "批评教育", "Criticism and education", "first_form"),
        _t("self_criticism", "责令检查", "Ordered self-criticism", "first_form"),
        _t("admonition", "诫勉", "Admonition", "first_form"),
        _t("suspension", "停职检查", "Suspension for examination", "organisational"),
        _t("post_adjustment", "调整职务", "Change of post", "organisational"),
        _t("ordered_resignation", "责令辞职", "Ordered resignation", "organisational"),
        _t("removal", "免职", "Removal from office", "organisational"),
        _t("demotion", "降职", "Demotion", "organisational"),
        _t("circular", "通报", "Circulated criticism", "accountability"),
        _t("org_inspection", "检查（对党组织）", "Self-examination (of a Party organisation)", "accountability"),
        _t("reorganisation", "改组", "Reorganisation", "accountability"),
        _t("probation_extended", "延长预备期", "Probation period extended", "probationary"),
        _t("probation_cancelled", "取消预备党员资格", "Probationary membership cancelled", "probationary"),
        _t("to_prosecution", "移送检察机关依法审查起诉", "Transferred to the procuratorate", "transfer"),
        _t("to_organisation", "移送有关党组织或机关处理", "Transferred to the competent organisation", "transfer"),
        _t("proceeds_confiscated", "收缴（责令退赔）违纪违法所得", "Proceeds confiscated or ordered repaid", "money"),
    ],
)

# why a decision carries no sanction (纪律处分条例 arts. 17, 19; 政务处分法 art. 12)
NO_SANCTION_REASONS = Taxonomy(
    "no_sanction_reason",
    "不予处分的理由",
    "Reason for no sanction",
    [
        _t("exempted", "免予处分（情节轻微，经批评教育确已认识错误）", "Exempted (minor, and the error is admitted)"),
        _t("not_punished", "不予处分（情节显著轻微，不认为构成违纪违法）", "Not punished (too minor to count as a violation)"),
        _t("not_established", "违纪违法事实不成立", "The alleged violation is not established"),
        _t("other", "其他理由（见说明）", "Another reason (see the explanation)"),
    ],
)

# §4.9: the rank of the person, for statistics (the same codes as hub.cases.models.RankLevel)
RANKS = Taxonomy(
    "rank",
    "职级",
    "Rank",
    [
        _t("provincial", "省部级", "Provincial or ministerial"),
        _t("prefecture", "厅局级", "Prefectural or bureau"),
        _t("county", "县处级", "County or division"),
        _t("section", "乡科级", "Township or section"),
        _t("general", "一般干部", "General cadre"),
        _t("village", "村党支部书记、村委会主任", "Village Party secretary or village head"),
        _t("other", "农村、企业等其他人员", "Rural, enterprise and other"),
    ],
)

PARTY_MEMBERSHIP = Taxonomy(
    "party_membership",
    "政治面貌",
    "Party membership",
    [
        _t("member", "中共党员", "Party member"),
        _t("probationary", "中共预备党员", "Probationary Party member"),
        _t("none", "非中共党员", "Not a Party member"),
    ],
)

PUBLIC_EMPLOYMENT = Taxonomy(
    "public_employee",
    "是否公职人员",
    "Public employee",
    [
        _t("yes", "公职人员（监察对象）", "Public employee (subject to supervision)"),
        _t("no", "非公职人员", "Not a public employee"),
    ],
)

STAGES = Taxonomy(
    "outcome_stage",
    "环节",
    "Stage",
    [
        _t("review", "审查调查意见", "Review's proposal"),
        _t("trial", "审理意见（处分决定）", "Trial's decision"),
    ],
)

ALL: tuple[Taxonomy, ...] = (
    DISCIPLINES,
    VIOLATIONS,
    EIGHT_POINT_CLASSES,
    EIGHT_POINT,
    FORMS,
    PARTY_SANCTIONS,
    GOV_SANCTIONS,
    DISPOSITION_GROUPS,
    DISPOSITIONS,
    NO_SANCTION_REASONS,
    RANKS,
    PARTY_MEMBERSHIP,
    PUBLIC_EMPLOYMENT,
    STAGES,
)
BY_KEY = {t.key: t for t in ALL}
