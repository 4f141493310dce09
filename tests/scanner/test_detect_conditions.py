"""Health conditions as values (scanners/detectors/conditions.py, scanners/data/conditions.toml).

Cells are written here from domain knowledge (the names of conditions, disability
kinds and care levels, remarks a clerk would type); people are obviously fake.
"""
import re

import pytest

from scanners.detectors.columns import classify_column
from scanners.detectors.conditions import (CONDITIONS, VOCABULARY_PATH, ConditionVocabulary,
                                           condition_column, load_conditions)
from scanners.detectors.headers import match_header
from scanners.detectors.values import prepare


def find(cell):
    hit = CONDITIONS.find(prepare(cell))
    return hit.kind if hit else None


@pytest.mark.parametrize("cell, kind", [
    ("糖尿病", "disease"), ("高血圧症", "disease"), ("2型糖尿病", "disease"), ("胃がん", "disease"),
    ("脳梗塞後遺症", "disease"), ("転倒し大腿骨骨折", "disease"), ("気管支ぜんそく", "disease"),
    ("認知症", "mental"), ("統合失調症", "mental"), ("うつ病で休職中", "mental"),
    ("視覚障害", "disability"), ("知的障がい", "disability"), ("肢体不自由 2級", "disability"),
    ("聴覚障害（2級）", "disability"), ("身体障害者手帳1級", "disability"), ("ＡＤＨＤ", "disability"),
    ("要介護３", "care"), ("要支援1", "care"), ("事業対象者", "care"),
    ("人工透析", "treatment"), ("週3回透析", "treatment"), ("胃ろう造設", "treatment"),
    ("要精密検査", "checkup"), ("持病のため月1回の通院が必要", "disease"), ("抗うつ薬を服用", "treatment"),
    ("Type 2 diabetes", "disease"), ("Dementia", "mental"), ("Breast cancer", "disease"),
    # a remark: the condition inside short free text
    ("糖尿病のため通院中", "disease"), ("独居。認知症の疑いあり", "mental"),
    ("地域包括支援センター経由、認知症あり", "mental"),
    # whole-cell words: only when the cell holds nothing else
    ("身体", "disability"), ("知的・精神", "disability"), ("療育A", "disability"), ("がん", "disease"),
])
def test_cells_naming_a_condition(cell, kind):
    assert find(cell) == kind


@pytest.mark.parametrize("cell", [
    "がんばる", "がんこ", "元旦", "精神論", "身体測定", "知的財産", "ろうそく",     # ordinary words
    "システム障害", "通信障害対応", "障害物", "障害者",                         # not a condition named
    "がん検診受診", "糖尿病予防教室", "認知症サポーター養成講座", "認知症カフェ",   # programs and courses
    "認知症ケア専門士", "糖尿病療養指導士", "精神障害者相談員",                    # credentials
    "認知症疾患医療センター", "認知症対応型共同生活介護", "膠原病・リウマチ科",     # organisations, services
    "身体障害者福祉会館", "視覚障害者等サービス資料あり", "透析実施", "透析剤・DL", "抗HIV薬区分",   # products
    "Cancer", "Great Depression",
    "見本 花子", "転居予定", "独居", "口座変更届提出済み", "diabetesx", "",
])
def test_cells_naming_no_condition(cell):
    assert find(cell) is None if cell else prepare(cell) is None


REMARKS = ["転居予定", None, "独居、見守り希望", None, "書類不備あり再提出", None, "電話連絡済", None,
           "代理人申請", None, "糖尿病のため通院中", None, "不在のため再訪問", None, "特になし", None,
           "口座変更届提出済み", None, "脳梗塞後遺症あり、杖歩行", None] * 2
DISABILITY_KINDS = ["視覚障害", "聴覚障害", "肢体不自由", "知的障害", "精神障害", "内部障害", "発達障害"]
SHORT_KINDS = ["身体", "知的", "精神", "身体", "精神", "知的・精神", "身体"]
CARE = ["要介護1", "要支援2", "要介護3", "なし", "要介護5", "事業対象者"]
STAFF_DUTIES = ["認知症施策推進", "がん対策", "糖尿病重症化予防事業", "庶務", "予算", "認知症カフェ運営"]
QUALIFICATIONS = ["認知症ケア専門士", "介護支援専門員", "社会福祉士", "糖尿病療養指導士", "看護師", "なし"]
SERVICES = ["認知症対応型通所介護", "訪問介護", "通所介護", "短期入所", "認知症対応型共同生活介護"]


def classify(header, cells, min_values=5):
    values = [v for v in map(prepare, cells) if v is not None]
    return classify_column(match_header(header) if header is not None else None, values, min_values)


def category(header, cells, min_values=5):
    verdict = classify(header, cells, min_values)
    return verdict.category if verdict else None


@pytest.mark.parametrize("header, cells, expected", [
    ("備考", REMARKS, "health"),                     # a few remarks among blanks and others
    ("特記事項", REMARKS, "health"),                 # a header the vocabulary does not know
    ("ショウガイ", DISABILITY_KINDS * 2, "health"),
    ("種別", DISABILITY_KINDS * 2, "health"),          # neutral, but a classification
    ("区分", SHORT_KINDS * 2, "health"),
    ("状態", CARE * 2, "health"),
    ("持病", ["高血圧", "なし", "糖尿病、高血圧", "なし", "喘息", "なし"] * 2, "health"),
    (None, DISABILITY_KINDS * 2, "health"),            # no header row
    ("障害の種類", DISABILITY_KINDS * 2, "health"),    # the header alone already says so
    ("備考", ["転居予定", "独居", "書類不備", "電話連絡済"] * 5 + ["糖尿病のため通院中"], None),   # one is not two
    ("備考", ["転居予定", "独居", "書類不備", "電話連絡済"] * 5, None),
    ("担当業務", STAFF_DUTIES * 3, None),
    ("資格", QUALIFICATIONS * 3, None),
    ("サービス種類", SERVICES * 3, None),
    ("所属", ["認知症疾患医療センター", "がん相談支援センター"] * 6, None),   # neutral: an organisation
    ("施設名", ["認知症グループホーム見本", "見本身体障害者福祉センター"] * 6, None),
    ("性格", ["知的", "明るい", "穏やか", "几帳面", "社交的", "慎重"] * 3, None),  # one whole word among others
    ("区分", ["身体", "知的"], None),                  # too few whole words to decide
])
def test_condition_columns(header, cells, expected):
    assert category(header, cells, 10 if header is None else 5) == expected


def test_evidence_holds_kinds_and_ratios_never_a_value():
    # 4 of the 18 remarks that do not say "none" name a condition
    verdict = classify("備考", REMARKS)
    assert verdict.evidence == {"values_sampled": 20, "hit_ratio": 0.22, "example": "*********",
                                "condition_kinds": ["disease"]}
    assert 0.6 <= verdict.confidence < 0.75
    full = classify("ショウガイ", DISABILITY_KINDS * 2)
    assert full.evidence["condition_kinds"] == ["disability"] and full.confidence > 0.9


def test_none_cells_are_left_out_of_the_share():
    found = condition_column([prepare(c) for c in ["身体", "なし", "特になし", "知的", "-", "精神", "無"]])
    assert (found.hits, found.considered) == (3, 3)


def test_the_vocabulary_file_loads_and_every_kind_is_documented():
    vocabulary = load_conditions(VOCABULARY_PATH)
    assert vocabulary.find("糖尿病").kind == "disease"
    text = VOCABULARY_PATH.read_text(encoding="utf-8")
    for kind in ("disease", "mental", "disability", "care", "treatment", "checkup"):
        assert f"[{kind}]" in text


CONTEXT = {"none": ["なし"], "program_words": ["教室"], "organisation_words": ["科"], "qualifiers": ["あり"],
           "remark_headers": ["備考"]}


@pytest.mark.parametrize("table, message", [
    ({"disease": {"anywhere": ["糖尿病"]}, "mental": {"anywhere": ["糖尿病"]}}, "is in [disease] and [mental]"),
    ({"disease": {"sometimes": ["糖尿病"]}}, "unknown list kind"),
    ({"disease": {"anywhere": [" "]}}, "empty term"),
])
def test_a_broken_vocabulary_is_refused(table, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ConditionVocabulary({**table, "context": CONTEXT})


def test_an_extended_vocabulary_finds_its_terms():
    vocabulary = ConditionVocabulary({"disease": {"anywhere": ["見本病", "ＡＢＣ症"], "whole": ["見本"]},
                                      "context": CONTEXT})
    assert vocabulary.find("見本病あり").kind == "disease"
    assert vocabulary.find(prepare("ａｂｃ症")).kind == "disease"        # terms are compared as cells are
    assert vocabulary.find("見本").kind == "disease" and vocabulary.find("見本市") is None
    assert vocabulary.find("見本病教室") is None and vocabulary.find("見本病科") is None


def test_a_column_of_100_long_remarks_is_searched_once(monkeypatch):
    """Each remark is searched once, never rescanned (the time is a figure of ``make bench``)."""
    remark = "本人は自宅で生活しており家族の支援を受けながら週に二回デイサービスを利用している。"
    values = [prepare(f"{remark}{i}") for i in range(100)]
    searched, real = [], ConditionVocabulary.find_folded

    def counted(self, text):
        searched.append(len(text))
        return real(self, text)

    monkeypatch.setattr(ConditionVocabulary, "find_folded", counted)
    assert condition_column(values) is None
    assert len(searched) <= len(values) and sum(searched) <= sum(len(v) for v in values)


# --- header rows above condition values (layout.py) ------------------------------------

NAMES = ["見本 花子", "試験 太郎", "例題 一郎", "仮名 美咲", "架空 健太", "模擬 陽子"] * 2


@pytest.mark.parametrize("header, cells", [
    # values holding header words (障害, 要介護, 認知症) must not outscore the header above them
    (["氏名", "ショウガイ", "カイゴ", "備考"],
     lambda i: [["知的障害", "視覚障害", "肢体不自由"][i % 3], f"要介護{i % 5 + 1}", ["糖尿病", "転居予定"][i % 2]]),
    (["氏名", "所属", "資格", "受講講座", "担当業務"],
     lambda i: ["認知症疾患医療センター", "認知症ケア専門士", "認知症サポーター養成講座", "認知症施策"]),
    (["氏名", "認知症", "要介護度"], lambda i: [["あり", "なし"][i % 2], f"要介護{i % 5 + 1}"]),
])
def test_the_header_row_stays_above_condition_values(header, cells):
    from scanners.detectors.layout import find_layout
    from scanners.document import Table
    table = Table("一覧", [header] + [[name] + cells(i) for i, name in enumerate(NAMES)])
    layout = find_layout(table)
    assert layout.header_row == 0 and layout.headers == header


def test_the_first_look_reads_no_more_of_a_cell_than_the_cell_by_cell_look(monkeypatch):
    """A hostile workbook (one shared string of a megabyte in every cell) cost the
    condition terms' first pass minutes: it reads each cell's first MAX_CELL_CHARS only,
    as the cell by cell look does, so a column's text stays small whatever its cells hold."""
    from scanners.detectors import conditions

    seen = []
    original = conditions.ConditionVocabulary.named_anywhere
    monkeypatch.setattr(conditions.ConditionVocabulary, "named_anywhere",
                        lambda self, text: seen.append(len(text)) or original(self, text))
    huge = "f" * 1_000_000
    assert classify_column(None, prepare([huge] * 40)) is None
    assert seen and max(seen) <= 40 * (conditions.MAX_CELL_CHARS + 1)
    # a condition within the first characters of long cells is still found by both looks
    tail = "x" * 5_000
    verdict = classify_column(match_header("備考"), prepare([f"糖尿病 {tail}", f"高血圧 {tail}"] * 10))
    assert verdict is None or verdict.category == "health"
