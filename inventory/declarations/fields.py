"""The fields of a ファイル簿 item: one table that forms, the Excel template, the import and the
publication export all read, so a field is named, ordered and checked in one place.

Order and wording follow the ファイル簿 of the Act on the Protection of Personal
Information (Art. 75, with the entries of Art. 74(1)): 名称, 組織, 利用目的,
記録項目, 記録範囲, 収集方法, 要配慮, 経常的提供先, 開示請求等を受理する組織,
他法令による特別の手続, 種別, then the city's own columns (事務の名称, 本人の数,
適用除外, 保存期間, 委託先, 保管場所, 備考).
"""
from __future__ import annotations

from dataclasses import dataclass

from inventory.models import FileType


@dataclass(frozen=True)
class ItemField:
    """One field of a declared item.

    ``kind``: "text" (``max_length`` characters), "int" (>= 0), "bool" (有/無),
    "categories" (category codes), "choice" (one of ``choices``).
    ``to_submit``: may be saved empty, but an item without it is incomplete and stops the
    declaration's submission (本人の数: a clerk may not know it yet, but an item without it
    would silently drop out of the published ファイル簿).
    ``published``: part of the published ファイル簿.  ``compared``: a difference
    from last year's item makes the item 変更.
    """
    name: str
    ja: str
    en: str
    kind: str = "text"
    max_length: int = 0
    required: bool = False
    to_submit: bool = False
    published: bool = True
    compared: bool = True
    choices: tuple = ()


#: Art. 74(2): files not entered in the register (適用除外); "" when none applies
EXEMPTIONS = {
    "": "該当なし",
    "1": "第1号 国の安全・外交等に関する事項を記録するもの",
    "2": "第2号 犯罪の捜査・公訴の提起等のために作成・取得するもの",
    "3": "第3号 職員又は職員であった者の人事・給与・福利厚生等に関するもの",
    "4": "第4号 専ら試験的な電子計算機処理の用に供するもの",
    "5": "第5号 保有個人情報の全部又は一部を記録した電算処理ファイルの複製等",
    "6": "第6号 一年以内に消去することとなる記録情報のみを記録するもの",
    "7": "第7号 物品・金銭の送付又は業務上必要な連絡のための情報で送付先等のみを記録するもの",
    "8": "第8号 職員が学術研究の用に供するため作成・取得するもの",
    "9": "第9号 本人の数が政令で定める数に満たないもの",
    "10": "第10号 前各号に準ずるものとして政令で定めるもの",
}

FIELDS: tuple[ItemField, ...] = (
    ItemField("file_name", "個人情報ファイルの名称", "File name", max_length=200, required=True),
    ItemField("organisation", "個人情報ファイルが利用に供される事務をつかさどる組織の名称",
              "Organisation in charge", max_length=200, required=True),
    ItemField("business_name", "事務の名称", "Business process", max_length=200, required=True),
    ItemField("purpose", "個人情報ファイルの利用目的", "Purpose of use", max_length=2000, required=True),
    ItemField("record_categories", "記録項目", "Recorded items", kind="categories"),
    ItemField("record_items_other", "記録項目（その他）", "Recorded items (other)", max_length=2000),
    ItemField("record_scope", "記録範囲", "Whose data is recorded", max_length=1000, required=True),
    ItemField("collection_method", "記録情報の収集方法", "How the data is collected", max_length=1000),
    ItemField("sensitive", "要配慮個人情報が含まれるときは、その旨", "Contains sensitive personal data",
              kind="bool"),
    ItemField("regular_recipients", "記録情報を当該機関以外の者に経常的に提供する場合には、その提供先",
              "Regular recipients", max_length=1000),
    ItemField("disclosure_office", "開示請求等を受理する組織の名称及び所在地",
              "Office receiving disclosure requests", max_length=500),
    ItemField("special_procedures", "訂正及び利用停止に関する他の法令の規定による特別の手続等",
              "Special procedures under other laws", max_length=1000),
    ItemField("file_type", "個人情報ファイルの種別", "File type", kind="choice",
              choices=tuple(FileType)),
    ItemField("subject_count", "本人の数", "Number of people", kind="int", published=False,
              to_submit=True),
    ItemField("exemption", "適用除外（法第74条第2項）", "Exemption (Art. 74(2))", kind="choice",
              choices=tuple(EXEMPTIONS), published=False),
    ItemField("retention", "保存期間", "Retention period", max_length=200, published=False),
    ItemField("contractor", "委託先", "Contractor", max_length=500, published=False),
    ItemField("location_note", "保管場所（紙・その他）", "Where it is kept (paper, other)",
              max_length=1000, published=False),
    ItemField("remarks", "備考", "Remarks", max_length=1000),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
#: the fields compared with last year's item (継続 / 変更)
COMPARED = tuple(f.name for f in FIELDS if f.compared)


def published_flag(subject_count: int | None, exemption: str, threshold: int) -> bool:
    """Whether an item goes into the published ファイル簿: at least ``threshold`` people and no
    exemption.  An unknown 本人の数 is not published; an item without it is incomplete
    and stops the declaration's submission (``to_submit``)."""
    return not exemption and subject_count is not None and subject_count >= threshold


