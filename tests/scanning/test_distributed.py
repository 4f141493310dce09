"""Distributed scans (inventory/scanning/distributed.py, partitions.py): partition planning,
copies across partitions, and a real Celery worker (Redis, then RabbitMQ) whose records equal a
local scan's."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psutil
import pytest
from registry_server import INVENTORY, TOKEN, RegistryServer, stop_process_tree, write_tree

from inventory.scanning.partitions import cross_partition_fixes, plan_partitions, walk_ordered
from inventory.scanning.spool import Spool
from scanners.scan import mark_duplicates, scan_roots
from scanners.walk import walk_root

BROKERS = {"redis": "redis://127.0.0.1:6379/15", "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//"}
DUPLICATE = "duplicate-personal-data"


def make_share(root: Path) -> list[str]:
    """write_tree plus copies of personal-data files across folders, within a folder and from
    the root, and a personal cloud-sync folder (every file in it is recorded)."""
    write_tree(root, folders=4, per_folder=5, root_files=2)
    shutil.copyfile(root / "課00/名簿000.csv", root / "課03/写し.csv")
    shutil.copyfile(root / "直下0.csv", root / "課01/直下0の写し.csv")
    shutil.copyfile(root / "課02/名簿000.csv", root / "課02/作業用/名簿000_copy.csv")
    (root / "課01/OneDrive").mkdir()
    shutil.copyfile(root / "課01/名簿000.csv", root / "課01/OneDrive/持ち帰り.csv")
    (root / "課01/OneDrive/photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# ----- planning -----
def test_partitions_balance_top_level_folders_and_keep_root_files_together(tmp_path):
    root = tmp_path / "share"
    for name, files in (("大", 12), ("中", 7), ("小a", 3), ("小b", 2)):
        for index in range(files):
            (root / name / f"sub{index % 2}").mkdir(parents=True, exist_ok=True)
            (root / name / f"sub{index % 2}" / f"{index}.csv").write_text("a\n")
    (root / "中" / "readme.pdf").write_text("not a candidate")
    (root / "x.csv").write_text("a\n")
    (root / "y.xlsx").write_text("a\n")
    plan = plan_partitions([str(root)], partitions=2)
    weights = []
    for partition in plan["partitions"]:
        [piece] = partition
        assert piece["root"] == str(root)
        weights.append(sum(12 if n == "大" else 7 if n == "中" else 3 if n == "小a" else
                           2 if n == "小b" else 1 for n in piece["names"]))
    assert sorted(weights) == [12, 14]                          # 12 | 7 + 3 + 2 + (1 + 1)
    names = [set(p[0]["names"]) for p in plan["partitions"]]
    assert {"x.csv", "y.xlsx"} <= next(n for n in names if "x.csv" in n)  # root files together
    assert plan["order"][str(root)] == ["x.csv", "y.xlsx", "中", "大", "小a", "小b"]

    one = plan_partitions([str(root)], partitions=100)
    assert len(one["partitions"]) == 5                          # 4 folders + the root's files


def test_partition_walks_together_give_the_whole_walk(tmp_path):
    root = tmp_path / "share"
    make_share(root)
    whole = list(walk_root(str(root)))
    plan = plan_partitions([str(root)], partitions=3)
    parts = [list(walk_root(piece["root"], only=set(piece["names"])))
             for partition in plan["partitions"] for piece in partition]
    assert sorted(c.path for part in parts for c in part) == sorted(c.path for c in whole)
    for part in parts:                  # each in the whole walk's order, sync folders included
        assert part == [c for c in whole if c in part]
    assert any(c.sync_client for part in parts for c in part)


def test_a_cloud_sync_root_is_one_partition(tmp_path):
    root = tmp_path / "OneDrive"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "a" / "1.csv").write_text("a\n")
    plan = plan_partitions([str(root)], partitions=4)
    assert plan["partitions"] == [[{"root": str(root), "names": None}]]
    assert plan["order"] == {str(root): None}


def test_copies_across_partitions_are_marked_as_a_local_scan_marks_them():
    plan = {"roots": ["/r", "/s"], "order": {"/r": ["x.csv", "A", "B"], "/s": None}}
    by_partition = [
        [["/r", "B/1.csv", "h1"], ["/r", "B/2.csv", "h1"]],                          # B
        [["/r", "x.csv", "h2"], ["/r", "A/1.csv", "h1"], ["/r", "A/2.csv", "h2"]],   # root files, A
        [["/s", "y.csv", "h2"]],                                                    # another root
    ]
    ordered = walk_ordered(plan, by_partition)
    assert [d[1] for d in ordered] == ["x.csv", "A/1.csv", "A/2.csv", "B/1.csv", "B/2.csv", "y.csv"]
    fixes = cross_partition_fixes(plan, by_partition)
    copy_of = lambda where: [{"code": DUPLICATE, "detail": f"byte-identical copy of {where}"}]  # noqa: E731
    assert fixes == {0: [["/r", "B/1.csv", "h1", copy_of("A/1.csv")],
                         ["/r", "B/2.csv", "h1", copy_of("A/1.csv")]],
                     2: [["/s", "y.csv", "h2", copy_of("/r/x.csv")]]}
    # what the fixes give is exactly mark_duplicates over the whole walk
    stand_ins = [{"root": r, "path": p, "sha256": h, "personal": {"present": True}, "risks": []}
                 for r, p, h in ordered]
    assert {(r["root"], r["path"]): r["risks"] for r in mark_duplicates(stand_ins)}[("/r", "B/2.csv")] \
        == copy_of("A/1.csv")


# ----- a real worker -----
@pytest.fixture(params=sorted(BROKERS))
def broker(request):
    """(broker URL, a queue of this test run's own); the queue is deleted afterwards."""
    url, queue = BROKERS[request.param], f"inventory-test-{uuid.uuid4().hex[:12]}"
    yield url, queue
    if url.startswith("redis://"):
        drop_redis_queue(url, queue)
    else:
        from kombu import Connection

        with Connection(url) as connection:
            channel = connection.default_channel
            channel.queue_delete(queue)
            channel.exchange_delete(queue)


def drop_redis_queue(url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    client.close()


def kept_records(spool_home: Path) -> dict:
    """(root, path) -> the last record the workers posted for it (spools kept, oldest first)."""
    posted: dict = {}
    spools = sorted(Spool.all_in(spool_home), key=lambda s: s.meta["created"])
    for spool in spools:
        assert spool.meta["delivered"] and spool.acked() == spool.durable()
        for segment in sorted(spool.path.glob("records-*.jsonl")):
            for line in segment.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                posted[(record["root"], record["path"])] = record
    return posted


def descendants(process: subprocess.Popen) -> list[int]:
    try:
        return [process.pid] + [c.pid for c in psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return [process.pid]


def alive(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                left.append(pid)
        except psutil.NoSuchProcess:
            continue
    return left


def distributed_scan(tmp_path: Path, broker: tuple, share: Path, registry: RegistryServer,
                     **worker_env) -> subprocess.CompletedProcess:
    """``inventory scan --distributed`` with a real worker (prefork, concurrency 2) on this test's
    queue; the worker and all its processes are stopped before returning."""
    broker_url, queue = broker
    env = dict(os.environ, INVENTORY_BROKER_URL=broker_url, INVENTORY_QUEUE=queue,
               INVENTORY_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("INVENTORY_RESULT_BACKEND", None)
    env.pop("INVENTORY_API_TOKEN", None)
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen(
        [INVENTORY, "worker", "--concurrency", "2", "--pool", "prefork", "--loglevel", "WARNING",
         "-n", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=dict(env, **worker_env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    family: list[int] = []
    try:
        done = subprocess.run([INVENTORY, "scan", str(share), "--distributed", "--post", registry.url,
                               "--token", TOKEN, "--partitions", "8"],
                              env=env, capture_output=True, text=True, timeout=240)
        family = descendants(worker)
    finally:
        family = family or descendants(worker)
        stop_process_tree(worker)
        log.close()
    assert alive(family) == []                                        # no worker left behind
    return done


@pytest.mark.slow
def test_a_distributed_scan_gives_the_records_of_a_local_scan(tmp_path, broker):
    share = tmp_path / "share"
    files = make_share(share)
    spools = tmp_path / "worker-spool"
    registry = RegistryServer(tmp_path / "registry").start()
    try:
        done = distributed_scan(tmp_path, broker, share, registry, INVENTORY_API_TOKEN=TOKEN,
                                INVENTORY_SPOOL_DIR=str(spools), INVENTORY_SPOOL_KEEP="1")
        assets, runs = registry.assets(), registry.runs()
    finally:
        registry.close()
    worker_log = (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
    assert done.returncode == 0, done.stderr + worker_log

    local = {(r["root"], r["path"]): r for r in scan_roots([str(share)], workers=0)}
    posted = kept_records(spools)
    assert sorted(posted) == sorted(local)
    for key in sorted(local):
        assert posted[key] == local[key], key
    copies = {path: r["risks"][-1]["detail"] for (_, path), r in local.items()
              if r["risks"] and r["risks"][-1]["code"] == DUPLICATE}
    assert copies == {"課03/写し.csv": "byte-identical copy of 課00/名簿000.csv",
                      "課01/直下0の写し.csv": "byte-identical copy of 直下0.csv",
                      "課02/作業用/名簿000_copy.csv": "byte-identical copy of 課02/名簿000.csv",
                      "課01/OneDrive/持ち帰り.csv": "byte-identical copy of 課01/名簿000.csv"}
    assert local[(str(share), "課01/OneDrive/photo.jpg")]["kind"] == "other"
    # the first two copies' originals lie in other partitions: checked again by the coordinator
    assert "5 区画" in done.stderr and "複製の再確認 2 件" in done.stderr

    assert sorted(path for _, path, _ in assets) == sorted(p for p in files if not p.endswith(".pdf"))
    assert [(status, source) for _, status, source in runs] == [("finished", "api")]


@pytest.mark.slow
def test_a_failed_partition_leaves_the_run_partial(tmp_path):
    """Workers without a token cannot post: every task fails, the run ends partial, exit 3."""
    share = tmp_path / "share"
    write_tree(share, folders=2, per_folder=2, root_files=0)
    queue = f"inventory-test-{uuid.uuid4().hex[:12]}"
    registry = RegistryServer(tmp_path / "registry").start()
    try:
        done = distributed_scan(tmp_path, (BROKERS["redis"], queue), share, registry)
        runs, count = registry.runs(), registry.asset_count()
    finally:
        registry.close()
        drop_redis_queue(BROKERS["redis"], queue)
    assert done.returncode == 3, done.stderr
    assert "区画 1 が失敗しました: DeliveryError このワーカーには INVENTORY_API_TOKEN が設定されていません" in done.stderr
    assert [(status, source) for _, status, source in runs] == [("partial", "api")] and count == 0


def test_a_partition_that_cannot_list_a_folder_says_so(tmp_path, monkeypatch):
    """The coordinator finishes the run partial when a partition missed a folder, so its
    files are not marked removed (the worker reports how many folders it could not list)."""
    import os

    from inventory.scanning.distributed import partition_records

    (tmp_path / "福祉課").mkdir()
    (tmp_path / "福祉課" / "a.csv").write_text("氏名\n試験 太郎\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("x\n1\n", encoding="utf-8")
    real_scandir = os.scandir

    def refusing(path="."):
        if str(path).endswith("福祉課"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    monkeypatch.setenv("INVENTORY_SCAN_WORKERS", "0")
    unlisted: list[str] = []
    records = list(partition_records([{"root": str(tmp_path), "names": None}], {}, unlisted))
    assert [r["path"] for r in records] == ["b.csv"] and unlisted == ["福祉課"]
