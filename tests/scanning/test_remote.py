"""Remote scanner mode (inventory/scanning/remote.py, spool.py, remote_client.py): the spool,
back-off, and scans posting to a real registry (``inventory serve`` in a subprocess) that is
killed and restarted mid-scan."""
from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest
from registry_server import INVENTORY, TOKEN, RegistryServer, stop_process_tree, write_tree

from web_fixtures import record

from inventory.scanning import remote_client
from inventory.scanning import spool as spool_module
from inventory.scanning.remote import send_spool
from inventory.scanning.remote_client import RETRY_BASE, RegistryClient, endpoint, retry_delay
from inventory.scanning.spool import Spool


def lines(count: int, start: int = 0) -> list[bytes]:
    return [(json.dumps({"path": f"f{i}.csv"}) + "\n").encode() for i in range(start, start + count)]


def scan_env(tmp_path, **extra) -> dict:
    """Environment of a scanner process: its own instance folder, fast retries, small batches."""
    return dict(os.environ, INVENTORY_INSTANCE_PATH=str(tmp_path / "scanner"),
                INVENTORY_SEND_MAX_DELAY="1", INVENTORY_SEND_BATCH="20", **extra)


def scan_command(tree, url, spool, *extra) -> list[str]:
    return [INVENTORY, "scan", str(tree), "--post", url, "--spool", str(spool), "--workers", "1",
            "--no-state", "--format", "jsonl", "--output", os.devnull, *extra]


@pytest.fixture
def registry(tmp_path):
    """A registry server, not started yet."""
    server = RegistryServer(tmp_path / "registry")
    yield server
    server.close()


@pytest.fixture
def server(registry):
    return registry.start()


# ----- the spool on its own -----
def test_spool_reads_across_segments_and_resumes(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module, "SEGMENT_RECORDS", 4)
    spool = Spool.create(tmp_path, "http://127.0.0.1:1", ["/share"])
    assert spool.append(lines(10)) == 10
    assert sorted(p.name for p in spool.path.glob("records-*.jsonl")) == [
        "records-000000.jsonl", "records-000001.jsonl", "records-000002.jsonl"]
    first = spool.read(0, 10, max_records=3)
    assert first == lines(3)
    assert spool.read(3, 10, max_records=5) == lines(5, 3)          # on from segment 0 into 1
    assert spool.read(8, 10, max_records=5) == lines(2, 8)
    assert spool.read(2, 10, max_records=2, max_bytes=1) == lines(1, 2)   # a byte cap, one at least
    spool.save_acked(7)
    # a crash mid-write leaves a torn line: not counted, not sent
    with open(spool.path / "records-000002.jsonl", "ab") as fh:
        fh.write(b'{"path": "torn')
    spool.release()
    again = Spool(spool.path)
    assert again.acked() == 7 and again.durable() == 10
    assert again.read(again.acked(), again.durable()) == lines(3, 7)


TRY_LOCK = """
import sys
from inventory.scanning.spool import Spool, SpoolBusy
try:
    Spool(sys.argv[1]).lock()
except SpoolBusy:
    sys.exit(7)
"""


def test_spool_is_held_by_one_process(tmp_path):
    spool = Spool.create(tmp_path, "http://127.0.0.1:1", ["/share"])
    other = [sys.executable, "-c", TRY_LOCK, str(spool.path)]
    assert subprocess.run(other).returncode == 7
    spool.release()
    assert subprocess.run(other).returncode == 0


def test_retry_delay_grows_with_jitter_up_to_the_cap():
    for attempt in range(12):
        ceiling = min(60.0, RETRY_BASE * 2 ** attempt)
        delays = [retry_delay(attempt, 60.0) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len({retry_delay(3, 60.0) for _ in range(20)}) > 1            # jitter
    assert retry_delay(0, 60.0, retry_after=7) == 7
    assert retry_delay(0, 5.0, retry_after=300) == 5.0


def test_endpoint_accepts_the_base_url_or_the_endpoint():
    assert endpoint("http://reg:5000") == "http://reg:5000/api/scan-records"
    assert endpoint("https://reg/inventory/") == "https://reg/inventory/api/scan-records"
    assert endpoint("http://reg/api/scan-records") == "http://reg/api/scan-records"
    with pytest.raises(ValueError):
        endpoint("reg:5000")


def test_post_needs_a_token(tmp_path):
    env = dict(os.environ)
    env.pop("INVENTORY_API_TOKEN", None)
    done = subprocess.run(scan_command(tmp_path, "http://127.0.0.1:9", tmp_path / "spool"),
                          env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "--token" in done.stderr


# ----- transport failures: a loopback HTTP server that fails one way per connection -----
OK_BODY = b'{"run": 7, "status": "running"}'


def _cut_chunked(conn):
    """Headers and half a chunk of a chunked 200 answer, then the connection closes."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n40\r\n{\"run\": 7")


def _cut_length(conn):
    """A 200 answer shorter than its Content-Length (the registry killed while writing it)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n"
                 b"\r\n{\"run\"")


def _reset(conn):
    """The connection reset (RST) before any answer."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _too_slow(conn):
    """No answer within the client's read time-out."""
    time.sleep(1.0)


def _answer_with(status: str, body: bytes, content_type: str = "application/json"):
    def answer(conn):
        conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    return answer


class FailingServer:
    """Answers the n-th connection with ``script[n]`` (the last one for every later one)."""

    def __init__(self, script):
        self.script, self.served = list(script), 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            answer = self.script[min(self.served, len(self.script) - 1)]
            self.served += 1
            threading.Thread(target=self._answer, args=(conn, answer), daemon=True).start()

    @staticmethod
    def _answer(conn, answer):
        with conn:
            conn.recv(65536)                          # the request (small)
            answer(conn)

    def close(self):
        self.sock.close()


@pytest.mark.parametrize("failure", [_cut_chunked, _cut_length, _reset, _too_slow,
                                     _answer_with("503 Service Unavailable", b"{}"),
                                     _answer_with("502 Bad Gateway", b"<html>proxy</html>", "text/html")])
def test_every_transport_failure_is_retried_until_the_registry_answers(failure):
    server = FailingServer([failure, failure, _answer_with("200 OK", OK_BODY)])
    logged = []
    client = RegistryClient(server.url, TOKEN, max_delay=0.05, log=logged.append, timeout=(2, 0.3))
    try:
        assert client.post(b"[]", root=["/share"]) == {"run": 7, "status": "running"}
    finally:
        client.close()
        server.close()
    assert client.retries == 2 and server.served == 3
    assert "再試行します" in logged[0]


def test_a_transport_failure_is_retried_only_until_told_to_stop():
    server = FailingServer([_cut_chunked])
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    client = RegistryClient(server.url, TOKEN, max_delay=0.05, stop=stop, log=lambda m: None)
    try:
        with pytest.raises(remote_client.Unreachable, match="cut off|ChunkedEncodingError"):
            client.post(b"[]")
    finally:
        client.close()
        server.close()
    assert client.retries >= 2


@pytest.mark.parametrize("status", ["400 Bad Request", "401 Unauthorized", "413 Payload Too Large"])
def test_a_4xx_stops_the_sender_at_once(status):
    server = FailingServer([_answer_with(status, b'{"error": "records refused"}')])
    client = RegistryClient(server.url, TOKEN, max_delay=0.05, log=lambda m: None)
    try:
        with pytest.raises(remote_client.Refused, match="records refused"):
            client.post(b"[]")
    finally:
        client.close()
        server.close()
    assert server.served == 1 and client.retries == 0


# ----- against a real registry -----
@pytest.mark.slow
def test_registry_killed_mid_scan_loses_nothing(tmp_path, server):
    tree = tmp_path / "share"
    paths = write_tree(tree, folders=10, per_folder=30, root_files=5)
    assert len(paths) == 305
    spool = tmp_path / "spool"
    scanner = subprocess.Popen(scan_command(tree, server.url, spool, "--token", TOKEN),
                               env=scan_env(tmp_path, INVENTORY_TEST_SCAN_DELAY="0.01"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while server.asset_count() == 0:              # the first batch is acknowledged
            assert time.monotonic() < deadline and scanner.poll() is None
            time.sleep(0.05)
        server.stop()
        assert server.asset_count() < len(paths)      # killed mid-scan
        time.sleep(1.5)                               # the scan goes on into the spool
        server.start()
        _, stderr = scanner.communicate(timeout=120)
    finally:
        stop_process_tree(scanner)
    assert scanner.returncode == 0, stderr
    assert "再試行します" in stderr
    assets = server.assets()
    assert sorted(path for _, path, _ in assets) == paths                  # one asset per file
    assert {root for root, _, _ in assets} == {str(tree)}
    assert all(removed is None for _, _, removed in assets)
    assert [(status, source) for _, status, source in server.runs()] == [("finished", "api")]
    assert list(spool.iterdir()) == []                                     # delivered: removed


@pytest.mark.slow
def test_a_killed_scan_is_sent_later_by_spool_send(tmp_path, registry):
    server = registry                                 # not started: down the whole scan
    tree = tmp_path / "share"
    paths = write_tree(tree, folders=4, per_folder=25, root_files=0)
    spool = tmp_path / "spool"
    scanner = subprocess.Popen(scan_command(tree, server.url, spool, "--token", TOKEN),
                               env=scan_env(tmp_path, INVENTORY_TEST_SCAN_DELAY="0.02"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while sum(s.durable() for s in Spool.all_in(spool)) < 30:
            assert time.monotonic() < deadline and scanner.poll() is None
            time.sleep(0.05)
        scanner.send_signal(signal.SIGKILL)                                # a crash
        scanner.wait(10)
    finally:
        stop_process_tree(scanner)
    [left] = Spool.all_in(spool)
    spooled = left.durable()
    assert 30 <= spooled < len(paths) and left.acked() == 0 and left.meta["run"] is None

    listed = subprocess.run([INVENTORY, "spool", "list", "--spool", str(spool)],
                            env=scan_env(tmp_path), capture_output=True, text=True)
    assert f"未送信 {spooled} 件" in listed.stdout
    server.start()
    sent = subprocess.run([INVENTORY, "spool", "send", "--spool", str(spool)],
                          env=scan_env(tmp_path, INVENTORY_API_TOKEN=TOKEN), capture_output=True,
                          text=True, timeout=120)
    assert sent.returncode == 0, sent.stderr
    assets = server.assets()
    assert len(assets) == spooled, sent.stderr
    assert {p for _, p, _ in assets} <= set(paths)
    # the scan did not get to its end: partial, so nothing unseen is marked removed
    assert [(status, source) for _, status, source in server.runs()] == [("partial", "api")]
    assert Spool.all_in(spool) == []


def test_records_for_a_run_finished_elsewhere_go_to_a_new_partial_run(tmp_path, server):
    client = RegistryClient(server.url, TOKEN)
    run = client.post(b"[]", root=["/mnt/share"])["run"]
    client.post(b"[]", run=run, finish="complete")
    client.close()
    spool = Spool.create(tmp_path / "spool", server.url, ["/mnt/share"], run=run, finish=False)
    spool.append([(json.dumps(record(f"課/{i}.csv", ["name"])) + "\n").encode() for i in range(3)])
    spool.update(scan="complete")
    spool.release()
    result = send_spool(spool, TOKEN, wait=30)
    assert result.delivered and result.sent == 3 and result.run != run
    assert [(status, source) for _, status, source in server.runs()] == [
        ("finished", "api"), ("partial", "api")]
    assert server.asset_count() == 3


@pytest.mark.slow
def test_a_refused_token_stops_the_scan_and_keeps_the_spool(tmp_path, server):
    tree = tmp_path / "share"
    write_tree(tree, folders=2, per_folder=5)
    spool = tmp_path / "spool"
    done = subprocess.run(scan_command(tree, server.url, spool, "--token", "inv_wrong"),
                          env=scan_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 4, done.stderr
    assert "HTTP 401" in done.stderr and "invalid or revoked token" in done.stderr
    assert server.asset_count() == 0
    [kept] = Spool.all_in(spool)
    spooled = kept.durable()
    assert kept.meta["run"] is None         # the scan stopped at once; what it had is kept

    sent = subprocess.run([INVENTORY, "spool", "send", "--spool", str(spool), "--token", TOKEN],
                          env=scan_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert sent.returncode == 0, sent.stderr
    assert server.asset_count() == spooled
    assert Spool.all_in(spool) == []
