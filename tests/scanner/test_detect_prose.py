"""Personal data in running text (scanners/detectors/prose.py): memos, résumés, letters.

Texts are written here about made-up people at invented addresses.
"""
import pytest

from scanners.detectors.prose import detect_prose, names_in

RESUME = """職務経歴書

氏名：山田 花子（やまだ はなこ）
生年月日：平成2年4月15日生（34歳）
住所：〒100-0001 見本県見本市本町1-2-3 見本ハイツ101
電話番号：090-0000-1234
メール：hanako@example.jp

■ 職務経歴
【株式会社見本】2015年4月 - 現在
所在地：東京都千代田区見本町2-3-4 見本ビル5F
上司：佐藤 健太（部長）

■ 学歴
2013年3月 見本大学 経済学部 卒業

■ 本人希望
希望年収：600万円
緊急連絡先：山田 一郎（父） 090-0000-9999
その他：持病のため月1回の通院が必要です
"""


def test_a_resume_is_one_person_with_its_facts():
    result = detect_prose(RESUME, "経歴書")
    assert result.present and result.records == 1 and result.sensitive
    assert result.categories == ["name", "name_kana", "address", "postal_code", "phone", "email",
                                 "birth_date", "age", "income", "school", "family", "health"]
    examples = {c.category: c.evidence["example"] for c in result.columns}
    assert examples["phone"] == "***-****-****" and examples["email"].count("*") > 5
    assert all(c.table == "経歴書" for c in result.columns)


def test_a_company_address_on_a_labelled_line_is_not_the_persons():
    text = "氏名：山田 花子\nメール：hanako@example.jp\n所在地：東京都千代田区見本町2-3-4 見本ビル\n"
    result = detect_prose(text)
    assert result.present and "address" not in result.categories


def test_address_labels_in_blocks():
    text = "〒100-0001\n東京都見本区本町xxx\n山田 花子\n---\n〒100-0002\n東京都見本区栄町xxx\n佐藤 太郎\n"
    result = detect_prose(text)
    assert result.present and result.records == 2
    assert set(result.categories) == {"name", "address", "postal_code"}


def test_a_consultation_memo_with_a_care_level_is_sensitive():
    text = "相談記録 2024年5月10日\n山田花子さん（82歳）より電話。要介護3で、自宅での入浴が難しいとのこと。\n"
    result = detect_prose(text)
    assert result.present and result.sensitive and {"name", "age", "health"} <= set(result.categories)


def test_an_english_resume():
    text = "TARO YAMADA\nProject Manager\n\nEmail: taro@example.com\nPhone: +81-90-0000-1234\n" \
           "Address: 1-2-3 Mihon, Minato-ku, Tokyo 100-0001, Japan\n\nEDUCATION\nMihon University, B.A. 2010\n"
    result = detect_prose(text)
    assert result.present and result.records == 1
    assert {"name", "email", "phone", "address", "postal_code", "school"} <= set(result.categories)


@pytest.mark.parametrize("text", [
    "議事録\n出席者：山田、佐藤、鈴木\n次回は来週火曜日に開催予定。資料は共有フォルダに格納済み。\n",
    "打合せメモ\n担当者へ確認中。見積は3社から取得する。\n",
    "システム障害対応手順\n1. 障害発生時は情報システム課（内線1234）へ連絡する。\n2. 復旧後に報告書を作成する。\n",
    "研修報告\n糖尿病療養指導研修（2023年）を修了した。\n",
    "氏名：\n住所：\n電話番号：\n",                                 # a blank form
])
def test_texts_without_identifiable_people(text):
    assert not detect_prose(text).present


def test_names_in_a_sentence():
    assert names_in("本日、山田花子さんと佐藤 太郎さんが来庁した。") == ["山田花子", "佐藤 太郎"]


def test_a_my_number_beside_its_label_is_checked():
    first = "12345678901"
    from scanners.detectors.values import my_number_check_digit
    valid = first + str(my_number_check_digit(first))
    wrong = first + str((my_number_check_digit(first) + 1) % 10)
    assert detect_prose(f"氏名：山田 花子\n個人番号：{valid}\n").my_number
    assert not detect_prose(f"氏名：山田 花子\n個人番号：{wrong}\n").my_number


@pytest.mark.parametrize("text, sensitive", [
    ("面談記録\n佐藤 健太さん 本日来所。糖尿病で通院しているとのこと。\n電話：090-0000-1111\n", True),
    ("氏名：佐藤 健太\n電話：090-0000-1111\n備考：高血圧、服薬あり\n", True),
    ("研修記録\n糖尿病療養指導研修を修了。\n講師：佐藤 健太\n電話：090-0000-1111\n", False),
])
def test_conditions_beside_a_person_are_health(text, sensitive):
    result = detect_prose(text)
    assert result.present and result.sensitive is sensitive
