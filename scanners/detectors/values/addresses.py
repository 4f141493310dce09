"""Addresses: prefectures, municipalities and block numbers; Latin-letter addresses under a header."""
from __future__ import annotations

import re

from .base import _DASHES, Validator

# --- addresses --------------------------------------------------------------

PREFECTURES = tuple("""
北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県
新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県
奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県
長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県
""".split())
_MUNICIPALITY = re.compile(r"[市区町村郡]")
_BLOCK = re.compile(r"(\d+|[一二三四五六七八九十]+)(丁目|番地|番|号|-\d+)")
_LATIN_ADDRESS = re.compile(r"^(?=.*\d)(?=.*[A-Za-z]{3}).{5,80}$")


class JapaneseAddress(Validator):
    """Prefecture or city/ward/town followed by block numbers (丁目, 番地, 1-2-3)."""

    category = "address"

    def match(self, value):
        if not isinstance(value, str) or not 5 <= len(value) <= 100 or value.isascii():
            return False
        value = value.translate(_DASHES)
        return (value.startswith(PREFECTURES) or _MUNICIPALITY.search(value) is not None) \
            and _BLOCK.search(value) is not None


class AddressText(Validator):
    """Looser, under an address header: a prefecture, a municipality word or block numbers."""

    category = "address"
    needs_header = True

    def match(self, value):
        if not isinstance(value, str) or len(value) < 3:
            return False
        if value.isascii():
            return _LATIN_ADDRESS.match(value) is not None or _BLOCK.search(value) is not None
        value = value.translate(_DASHES)
        return (value.startswith(PREFECTURES) or _MUNICIPALITY.search(value) is not None
                or "丁目" in value or "番地" in value or "字" in value
                or _BLOCK.search(value) is not None)
