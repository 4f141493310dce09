"""Web commands: the demo's departments and accounts, `users create`, `demo --no-serve` (SQLite)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from inventory.cli.main import main
from inventory.cli.web import DEMO_DEPARTMENTS, DEMO_SHARE_NAME, seed_demo
from inventory.db import make_engine, session_factory, upgrade
from inventory.registry.shares import ShareIndex
from inventory.models import (Asset, DeclarationCampaign, DeclarationItem, DeclarationProposal, Department, Role, Share,
                              User)


@pytest.fixture(scope="module")
def registry_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_registry") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def registry_url(registry_template, tmp_path, monkeypatch) -> str:
    """An empty SQLite registry, named by INVENTORY_DATABASE_URL for the commands."""
    path = tmp_path / "inventory.db"
    path.write_bytes(registry_template.read_bytes())
    url = f"sqlite:///{path}"
    monkeypatch.setenv("INVENTORY_DATABASE_URL", url)
    return url


@pytest.fixture
def sessions(registry_url):
    engine = make_engine(registry_url)
    yield session_factory(engine)
    engine.dispose()


def test_seed_demo_makes_one_account_per_role(sessions, tmp_path):
    with sessions() as session:
        accounts = seed_demo(session, share_root=str(tmp_path))
        session.commit()
        assert sorted(role for _, role, _ in accounts) == sorted(r.value for r in Role)
        for username, role, password in accounts:
            user = session.execute(select(User).where(User.username == username)).scalar_one()
            assert user.role == role and user.active
            assert check_password_hash(user.password_hash, password)
        head = session.execute(select(User).where(User.role == "dept_head")).scalar_one()
        assert session.get(Department, head.department_id).head_id == head.id


def test_seed_demo_twice_keeps_one_of_each_and_new_passwords(sessions, tmp_path):
    with sessions() as session:
        first = seed_demo(session, share_root=str(tmp_path))
        second = seed_demo(session, share_root=str(tmp_path))
        session.commit()
        assert session.scalar(select(func.count()).select_from(Department)) == len(DEMO_DEPARTMENTS)
        assert session.scalar(select(func.count()).select_from(User)) == len(first)
        assert [p for *_, p in first] != [p for *_, p in second]


def test_every_demo_share_folder_maps_to_its_department(sessions, tmp_path):
    from inventory.demo.share_files import _files

    with sessions() as session:
        seed_demo(session, share_root=str(tmp_path))
        session.commit()
        share = session.execute(select(Share).where(Share.name == DEMO_SHARE_NAME)).scalar_one()
        index = ShareIndex.load(session)
        names = {d.id: d.name for d in session.execute(select(Department)).scalars()}
    for spec in _files():
        department = index.department(share.id, spec.path)
        assert department is not None, "a demo share folder maps to no department"
        folders = spec.path.split("/")[:-1]
        expected = next((f for f in reversed(folders[:2]) if f.endswith("課")), folders[0])
        assert names[department] == expected


@pytest.mark.parametrize("args, exit_code, message", [
    (["sato", "--role", "clerk", "--department", "301", "--password", "seven lanterns in fog"], 0,
     "sato（担当者）を作成しました"),
    (["sato", "--role", "clerk", "--department", "301", "--password", "pw"], 2, "12 文字以上"),
    (["sato", "--role", "clerk", "--department", "301", "--password", "qwerty123456"], 2,
     "よく使われているパスワード"),
    (["sato", "--role", "clerk", "--department", "301", "--password", "sato-sato-2026"], 2,
     "ユーザー名を含める"),
    (["sato", "--role", "clerk"], 2, "--department の指定が必要です"),
    (["sato", "--role", "clerk", "--lang", "en"], 2, "--department is required"),
    (["sato", "--role", "clerk", "--department", "999"], 1, "現存する部署はありません"),
    (["sato", "--role", "wizard"], 2, "の値が正しくありません"),
    (["demo_admin", "--role", "admin"], 1, "すでに存在します"),
    (["demo_admin", "--role", "admin", "--lang", "en"], 1, "Error: The user 'demo_admin' already exists."),
])
def test_users_create(sessions, args, exit_code, message):
    with sessions() as session:
        seed_demo(session)
        session.commit()
    result = CliRunner().invoke(main, ["users", "create", *args])
    assert result.exit_code == exit_code, result.output
    assert message in result.output


def test_users_create_generates_and_prints_a_password(sessions):
    result = CliRunner().invoke(main, ["users", "create", "tanaka", "--role", "privacy_office"])
    assert result.exit_code == 0, result.output
    password = result.output.rsplit("パスワード: ", 1)[1].strip()
    with sessions() as session:
        user = session.execute(select(User).where(User.username == "tanaka")).scalar_one()
        assert user.department_id is None and check_password_hash(user.password_hash, password)


@pytest.mark.slow
def test_demo_without_serving_fills_the_registry(registry_url, sessions, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--dest", "share", "--no-serve"])
    assert result.exit_code == 0, result.output
    accounts = {line.split()[0]: line.split()[1:-1] for line in result.output.splitlines()
                if line.startswith("  demo_")}
    assert accounts == {"demo_clerk": ["担当者", "健康福祉部", "介護保険課"], "demo_head": ["所属長", "健康福祉部"],
                        "demo_it": ["情報システム担当課", "総務部", "情報政策課"],
                        "demo_privacy": ["個人情報保護担当課", "総務部", "総務課"],
                        "demo_admin": ["管理者", "（所属なし）"]}
    with sessions() as session:
        assets = session.execute(select(Asset.department_id)).scalars().all()
        apps = session.execute(select(Asset.path).where(Asset.is_app)).scalars().all()
        queue = session.execute(select(func.count()).select_from(Asset).where(
            Asset.is_app | Asset.personal_present)).scalar()
    assert len(assets) >= 60
    assert all(dept is not None for dept in assets)       # every file lands in a department
    assert len(apps) >= 3 and queue > len(apps)          # the IT division has apps to triage
    with sessions() as session:
        campaigns = session.execute(select(DeclarationCampaign)).scalars().all()
        scanned = session.execute(select(func.count()).select_from(DeclarationItem)
                                  .where(DeclarationItem.origin == "scan")).scalar()
        suggested = session.execute(select(func.count()).select_from(DeclarationProposal)).scalar()
        personal = session.execute(select(func.count()).select_from(Asset).where(
            Asset.personal_present, Asset.copy_of_id.is_(None))).scalar()
    assert len(campaigns) == 1 and "個人情報ファイル簿" in result.output
    assert scanned == 0                  # a suggestion is not a declaration
    assert 0 < suggested <= personal     # files of one dataset are one suggestion


def test_the_demo_campaign_is_opened_once_per_fiscal_year(sessions):
    import datetime as dt

    from inventory.cli.web import open_demo_campaign

    with sessions() as session:
        seed_demo(session)
        first = open_demo_campaign(session, dt.date(2027, 2, 10))
        again = open_demo_campaign(session, dt.date(2027, 3, 31))
        session.commit()
    assert first.fiscal_year == 2026 and first.due_on == dt.date(2027, 3, 12) and again is None
