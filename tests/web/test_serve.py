"""``inventory serve --workers N``: pre-forked server processes that act as one server."""
from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import subprocess
import time
import urllib.parse

import psutil
import pytest
from werkzeug.security import generate_password_hash

from inventory.models import Role, User
from inventory.web import _instance_secret


from registry_server import INVENTORY, RegistryServer, stop_process_tree, wait_for_port

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pre-forked workers need fork()")


def _request(port: int, path: str, cookie: str = "", body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8")
    cookies = [v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    connection.close()                    # a new connection for every request: any worker may answer
    return response.status, text, (cookies[-1] if cookies else cookie)


def test_two_worker_processes_serve_one_signed_in_session(tmp_path):
    registry = RegistryServer(tmp_path)                      # a migrated SQLite registry
    with registry.sessions() as session:
        session.add(User(username="kansa", display_name="監査 担当", role=str(Role.it_division),
                         password_hash=generate_password_hash("pass-word-1")))
        session.commit()
    # no INVENTORY_SECRET_KEY: the key in the instance folder must be the same for every worker
    env = {k: v for k, v in os.environ.items() if k != "INVENTORY_SECRET_KEY"}
    env.update(INVENTORY_DATABASE_URL=registry.db_url, INVENTORY_INSTANCE_PATH=str(tmp_path / "instance"))
    server = subprocess.Popen([INVENTORY, "serve", "--port", str(registry.port), "--workers", "2",
                               "--threads", "2"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(registry.port, process=server)
        deadline = time.monotonic() + 30                     # the port is bound before the fork
        while len(workers := psutil.Process(server.pid).children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2 and all(w.is_running() for w in workers)
        status, page, cookie = _request(registry.port, "/auth/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        status, _, cookie = _request(registry.port, "/auth/login", cookie, urllib.parse.urlencode(
            {"csrf_token": token, "username": "kansa", "password": "pass-word-1"}))
        assert status == 302
        answers = [_request(registry.port, "/assets/", cookie)[:2] for _ in range(16)]
        assert all(status == 200 and "資産" in text for status, text in answers)
        assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        stop_process_tree(server)
        registry.close()
    assert server.returncode == 0                            # SIGTERM: a clean shutdown


def _secret_of(folder: str, queue) -> None:
    queue.put(_instance_secret(folder))


def test_processes_starting_together_read_one_whole_secret(tmp_path):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=_secret_of, args=(str(tmp_path), queue)) for _ in range(12)]
    for process in processes:
        process.start()
    keys = {queue.get(timeout=30) for _ in processes}
    for process in processes:
        process.join(30)
    assert len(keys) == 1 and re.fullmatch(r"[0-9a-f]{64}", keys.pop())
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]     # no draft left behind


def test_more_workers_refused_where_there_is_no_fork(monkeypatch):
    from click.testing import CliRunner

    from inventory.cli.main import main

    monkeypatch.setattr(os, "name", "nt")
    result = CliRunner().invoke(main, ["serve", "--workers", "2"])
    assert result.exit_code == 2 and "Linux/Unix" in result.output
