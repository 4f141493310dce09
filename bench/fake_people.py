"""Fake but plausible Japanese residents for benchmark files.

Every value is generated from word lists and a seeded ``random.Random``:
no real person, address or number is used.  Rows are produced in chunks,
column by column, because ``rng.choices(..., k=n)`` is far faster than one
call per cell when a file needs 680,000 rows.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import NamedTuple

SURNAMES = [
    ("佐藤", "さとう"), ("鈴木", "すずき"), ("高橋", "たかはし"), ("田中", "たなか"), ("伊藤", "いとう"),
    ("渡辺", "わたなべ"), ("山本", "やまもと"), ("中村", "なかむら"), ("小林", "こばやし"), ("加藤", "かとう"),
    ("吉田", "よしだ"), ("山田", "やまだ"), ("佐々木", "ささき"), ("山口", "やまぐち"), ("松本", "まつもと"),
    ("井上", "いのうえ"), ("木村", "きむら"), ("林", "はやし"), ("斎藤", "さいとう"), ("清水", "しみず"),
    ("山崎", "やまざき"), ("森", "もり"), ("池田", "いけだ"), ("橋本", "はしもと"), ("阿部", "あべ"),
    ("石川", "いしかわ"), ("山下", "やました"), ("中島", "なかじま"), ("石井", "いしい"), ("小川", "おがわ"),
    ("前田", "まえだ"), ("岡田", "おかだ"), ("長谷川", "はせがわ"), ("藤田", "ふじた"), ("後藤", "ごとう"),
    ("近藤", "こんどう"), ("村上", "むらかみ"), ("遠藤", "えんどう"), ("青木", "あおき"), ("坂本", "さかもと"),
    ("福田", "ふくだ"), ("太田", "おおた"), ("西村", "にしむら"), ("藤井", "ふじい"), ("金子", "かねこ"),
    ("岡本", "おかもと"), ("藤原", "ふじわら"), ("中野", "なかの"), ("三浦", "みうら"), ("原田", "はらだ"),
    ("中川", "なかがわ"), ("松田", "まつだ"), ("竹内", "たけうち"), ("小野", "おの"), ("田村", "たむら"),
    ("中山", "なかやま"), ("和田", "わだ"), ("石田", "いしだ"), ("森田", "もりた"), ("上田", "うえだ"),
    ("原", "はら"), ("内田", "うちだ"), ("柴田", "しばた"), ("酒井", "さかい"), ("宮崎", "みやざき"),
    ("横山", "よこやま"), ("高木", "たかぎ"), ("安藤", "あんどう"), ("宮本", "みやもと"), ("大野", "おおの"),
    ("小島", "こじま"), ("谷口", "たにぐち"), ("今井", "いまい"), ("工藤", "くどう"), ("高田", "たかだ"),
    ("増田", "ますだ"), ("丸山", "まるやま"), ("杉山", "すぎやま"), ("村田", "むらた"), ("大塚", "おおつか"),
    ("新井", "あらい"), ("小山", "こやま"), ("平野", "ひらの"), ("藤本", "ふじもと"), ("河野", "こうの"),
    ("上野", "うえの"), ("野口", "のぐち"), ("武田", "たけだ"), ("松井", "まつい"), ("千葉", "ちば"),
    ("岩崎", "いわさき"), ("菅原", "すがわら"), ("木下", "きのした"), ("久保", "くぼ"), ("佐野", "さの"),
    ("野村", "のむら"), ("松尾", "まつお"), ("市川", "いちかわ"), ("菊地", "きくち"), ("辻", "つじ"),
]
MALE_NAMES = [
    ("太郎", "たろう"), ("一郎", "いちろう"), ("健一", "けんいち"), ("浩", "ひろし"), ("誠", "まこと"),
    ("茂", "しげる"), ("清", "きよし"), ("隆", "たかし"), ("修", "おさむ"), ("勇", "いさむ"),
    ("実", "みのる"), ("進", "すすむ"), ("明", "あきら"), ("和夫", "かずお"), ("正", "ただし"),
    ("豊", "ゆたか"), ("大輔", "だいすけ"), ("翔太", "しょうた"), ("拓也", "たくや"), ("健太", "けんた"),
    ("直樹", "なおき"), ("達也", "たつや"), ("和也", "かずや"), ("翔", "しょう"), ("蓮", "れん"),
    ("大翔", "ひろと"), ("悠真", "ゆうま"), ("陽翔", "はると"), ("湊", "みなと"), ("健二", "けんじ"),
    ("正男", "まさお"), ("秀樹", "ひでき"), ("剛", "つよし"), ("学", "まなぶ"), ("哲也", "てつや"),
    ("浩二", "こうじ"), ("義雄", "よしお"), ("昭", "あきら"), ("聡", "さとし"), ("雅之", "まさゆき"),
]
FEMALE_NAMES = [
    ("花子", "はなこ"), ("幸子", "さちこ"), ("和子", "かずこ"), ("洋子", "ようこ"), ("恵子", "けいこ"),
    ("京子", "きょうこ"), ("節子", "せつこ"), ("美智子", "みちこ"), ("久美子", "くみこ"), ("裕子", "ゆうこ"),
    ("真由美", "まゆみ"), ("智子", "ともこ"), ("直美", "なおみ"), ("由美子", "ゆみこ"), ("陽子", "ようこ"),
    ("明美", "あけみ"), ("美穂", "みほ"), ("愛", "あい"), ("彩", "あや"), ("美咲", "みさき"),
    ("陽菜", "ひな"), ("結衣", "ゆい"), ("葵", "あおい"), ("さくら", "さくら"), ("優子", "ゆうこ"),
    ("千尋", "ちひろ"), ("舞", "まい"), ("麻衣", "まい"), ("香織", "かおり"), ("奈々", "なな"),
    ("芽衣", "めい"), ("凛", "りん"), ("結菜", "ゆいな"), ("文子", "ふみこ"), ("静子", "しずこ"),
    ("千代子", "ちよこ"), ("順子", "じゅんこ"), ("悦子", "えつこ"), ("弘子", "ひろこ"), ("美香", "みか"),
]
WARDS = {
    "堺区": ["南瓦町", "北瓦町", "熊野町東", "宿院町西", "中之町東", "大浜北町", "戎島町", "翁橋町"],
    "中区": ["深井清水町", "深井沢町", "八田北町", "土師町", "東山", "小阪", "平井", "福田"],
    "東区": ["北野田", "日置荘原寺町", "白鷺町", "南野田", "菩提町", "高松", "石原町", "大美野"],
    "西区": ["鳳東町", "鳳中町", "上野芝町", "浜寺石津町中", "津久野町", "家原寺町", "草部", "山田"],
    "南区": ["茶山台", "桃山台", "晴美台", "竹城台", "赤坂台", "原山台", "若松台", "高倉台"],
    "北区": ["中百舌鳥町", "百舌鳥赤畑町", "金岡町", "長曽根町", "新金岡町", "東三国ヶ丘町", "蔵前町", "奥本町"],
    "美原区": ["黒山", "平尾", "今井", "北余部", "丹上", "多治井", "大保", "菩提"],
}
BUILDINGS = ["ハイツ", "コーポ", "マンション", "レジデンス", "グランドハイツ", "メゾン"]
BUILDING_NAMES = ["さくら", "南海", "泉北", "中百舌鳥", "ひまわり", "堺東", "大仙", "パークサイド"]
CITY = "大阪府堺市"


class Person(NamedTuple):
    name: str
    kana: str
    birth_date: dt.date
    gender: str
    postal_code: str
    address: str
    phone: str | None


def _towns() -> list[tuple[str, str]]:
    """(postal code, ward + town) pairs; postal codes are made up per town."""
    towns = []
    for w, (ward, names) in enumerate(WARDS.items()):
        for t, town in enumerate(names):
            towns.append((f"59{w % 10}-{(t * 1237 + w * 311) % 10000:04d}", ward + town))
    return towns


TOWNS = _towns()


def _phone(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.6:
        return f"072-{rng.randrange(200, 300)}-{rng.randrange(10000):04d}"
    return f"0{rng.choice('789')}0-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"


def _address(rng: random.Random, town: str) -> str:
    base = f"{CITY}{town}{rng.randrange(1, 8)}丁{rng.randrange(1, 40)}番{rng.randrange(1, 30)}号"
    if rng.random() < 0.25:
        base += f"　{rng.choice(BUILDING_NAMES)}{rng.choice(BUILDINGS)}{rng.randrange(1, 12)}{rng.randrange(1, 20):02d}号室"
    return base


def fake_people(rng: random.Random, count: int, chunk: int = 5000,
                born_from: dt.date = dt.date(1924, 4, 2), born_to: dt.date = dt.date(2006, 4, 1)
                ) -> Iterator[Person]:
    """Yield ``count`` fake residents born between the two dates."""
    span = (born_to - born_from).days
    done = 0
    while done < count:
        n = min(chunk, count - done)
        surnames = rng.choices(SURNAMES, k=n)
        male = [rng.random() < 0.48 for _ in range(n)]
        given_m = rng.choices(MALE_NAMES, k=n)
        given_f = rng.choices(FEMALE_NAMES, k=n)
        towns = rng.choices(TOWNS, k=n)
        for i in range(n):
            given = given_m[i] if male[i] else given_f[i]
            surname = surnames[i]
            postal, town = towns[i]
            yield Person(
                name=f"{surname[0]}　{given[0]}",
                kana=f"{surname[1]}　{given[1]}",
                birth_date=born_from + dt.timedelta(days=rng.randrange(span)),
                gender="男" if male[i] else "女",
                postal_code=postal,
                address=_address(rng, town),
                phone=_phone(rng),
            )
        done += n
