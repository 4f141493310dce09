"""Labelled values for measuring person-name recognisers (bench/names.py, tests).

Written for this project from general knowledge of Japanese naming: the
people are made up (common family names paired with given names of several
generations), and the things that must stay non-names are the kinds of
values that sit in business columns next to people: places, companies,
facilities, goods, job titles, departments, subjects, animals.
"""
from __future__ import annotations

FAMILY = """
佐藤 鈴木 高橋 田中 渡辺 伊藤 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 斎藤 清水
山崎 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本
五十嵐 長谷部 東海林 勅使河原 御手洗 一ノ瀬 大和田 日比野 宇佐美 比嘉 金城 知念 新垣 安里 照屋
菅野 熊谷 千葉 及川 佐久間 小野寺 我妻 鴨志田 猪股 荻原 笹川 諏訪 楠本 榊原 湯浅 黒田 堀 星
嶋田 濱田 髙橋 齋藤 邉見 吉岡 飯塚 三上 今泉 桑原 玉城 須藤 栗原 秋元 仲村 樋渡 國分 土橋
""".split()

GIVEN = """
太郎 一郎 健一 浩 誠 茂 清 隆 修 勇 実 進 明 和夫 正雄 幸雄 俊介 翔太 大翔 蓮 悠真 陽翔 湊 樹
花子 幸子 和子 恵子 洋子 美智子 久美子 由美 真由美 美咲 陽菜 結衣 凛 芽依 さくら ひまり あおい
ハナ トメ キヨ ツル 千代 はる 正 豊 稔 悟 拓也 健太 大輔 直樹 達也 亮 恵美 愛 彩 舞 瞳 優子
""".split()

#: "姓 名", "姓名", "姓　名" built by pairing the lists (deterministic, no randomness)
FULL_NAMES = [f"{f}{sep}{GIVEN[i * 7 % len(GIVEN)]}"
              for i, f in enumerate(FAMILY) for sep in (" ", "", "\u3000") if (i + len(sep)) % 3 != 2]

KANA_NAMES = """
ヤマダ タロウ|スズキ ハナコ|タナカ イチロウ|サトウ ミサキ|ワタナベ ケンイチ|イトウ ユイ|コバヤシ マコト
やまだ はなこ|すずき たろう|たかはし ゆうま|いのうえ さくら|ヤマダタロウ|スズキハナコ|タカハシケンタ
ニシムラ トメ|オオノ キヨシ|ハセガワ ナオキ|サカモト アイ|くろだ ともかず|ゆあさ りょうへい
""".strip().replace("\n", "|").split("|")

ROMAJI_NAMES = """
Taro Yamada|Hanako Suzuki|YAMADA TARO|SUZUKI HANAKO|Yamada Taro|Ichiro Tanaka|Kenji Watanabe
Misaki Sato|Yuki Kobayashi|Satou Kenta|Itou Yui|Daisuke Ohno|Shun Kato|Ryota Nakamura
Tomoko Inoue|Haruto Kimura|Yui Hashimoto|Ren Sasaki|Akira Mori|Sakura Ishikawa
""".strip().replace("\n", "|").split("|")

PLACES = """
八王子市 横浜市中区 世田谷区 千代田区永田町 歌舞伎町 愛住町 赤城元町 本町 中央 栄町 駅前
北海道 沖縄県 大阪府 京都市 札幌市 仙台市青葉区 福岡市博多区 那覇市 高崎市 前橋市 宇都宮市
甲府市 松江市 鳥取市 新宿 渋谷 池袋 品川 梅田 天神 銀座 六本木 青山 代官山 自由が丘
大字 字本郷 東町一丁目 西区 南区 北区 緑区 港区 中野区 杉並区 練馬区 板橋区
""".split()

COMPANIES = """
株式会社山田商事 有限会社佐藤工務店 トヨタ自動車 ソニーグループ 日本郵便 東京電力 山田商店
丸紅 三菱商事 伊藤忠 住友生命 鈴木建設 田中製作所 中央信用金庫 みずほ銀行 りそな銀行
ABC商事 株式会社エムケイ 合同会社テック 社会福祉法人さくら会 医療法人健康会 NPO法人まちづくり
""".split()

FACILITIES = """
中央図書館 市民会館 第一小学校 北公民館 市立病院 南保育所 総合体育館 文化センター 市役所本庁舎
東部出張所 青葉台団地 駅前広場 さくら公園 みどり児童館 市民プール 消防署 警察署 郵便局
""".split()

GOODS = """
バナナ リンゴ イチゴ ミカン 豆腐 湯葉 大豆セット 小豆 醤油 味噌 ソース ボールペン ノートPC
コピー用紙 プリンター トナー 机 椅子 キャビネット 米 牛乳 パン コーヒー 緑茶 ビール
""".split()

TITLES = """
課長 係長 主任 主査 部長 担当 参事 主幹 技師 事務員 会計年度任用職員 嘱託 臨時職員 所長 園長
校長 教頭 看護師 保健師 ケアマネジャー 社会福祉士 運転手 用務員 支所長 副市長 市長
""".split()

DEPARTMENTS = """
総務課 市民課 税務課 福祉課 介護保険課 健康推進課 子育て支援課 教育委員会 選挙管理委員会
営業二課 経理部 人事部 情報システム課 財政課 企画課 都市計画課 下水道課 環境保全課
""".split()

OTHER_WORDS = """
英語 算数 国語 理科 社会 出席 欠席 遅刻 合格 不合格 完了 未完了 あり なし 有 無 済 未
犬 猫 ウサギ ハムスター 金魚 ライオン キリン パンダ 晴れ 曇り 雨 雪 春 夏 秋 冬 月曜日 火曜日
""".split()

LATIN_NON_NAMES = """
Tokyo Tower|Green Park|Osaka Castle|Sakura Hotel|Honda Motor|Sony Group|Apple|Banana|Product A
Sample Data|Shinjuku Station|Minato Ward|Blue Pen|Coffee Beans|Project Manager|Sales Department
Meeting Room|Annual Report|Tokyo|Nagoya|Yokohama|Kyoto|Sapporo|Fukuoka|Shibuya|Ikebukuro|Active
Completed|Pending|Yes|No|North|South|Monday|Tuesday|Toyota|Nissan|Mitsubishi|Hitachi|Panasonic
""".strip().replace("\n", "|").split("|")

NAMES = {"full (kanji)": FULL_NAMES, "family only": FAMILY, "given only": GIVEN,
         "kana": KANA_NAMES, "romaji": ROMAJI_NAMES}
NON_NAMES = {"places": PLACES, "companies": COMPANIES, "facilities": FACILITIES, "goods": GOODS,
             "job titles": TITLES, "departments": DEPARTMENTS, "other words": OTHER_WORDS,
             "latin non-names": LATIN_NON_NAMES}
