import subprocess
import sys
import time

import pytest
from django.conf import settings

from relais.core.cache import FileCache

# Four processes wait for the same instant, then each counts 300 hits on one key.
COUNTER = """
import sys, time
from relais.core.cache import FileCache
files = FileCache(sys.argv[1], {})
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
for _ in range(300):
    files.incr("hits")
"""


def test_processes_counting_at_the_same_instant_lose_no_hit(tmp_path):
    files = FileCache(str(tmp_path), {})
    files.add("hits", 0, 600)
    start = time.time() + 2  # every process is started and waiting by then
    processes = [
        subprocess.Popen([sys.executable, "-c", COUNTER, str(tmp_path), str(start)], cwd=settings.BASE_DIR)
        for _process in range(4)
    ]
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0, 0]
    assert files.get("hits") == 1200


def test_a_count_ends_when_its_window_ends(tmp_path):
    """Counting does not renew the window: an hourly limit is not forgotten five minutes after the last post."""
    files = FileCache(str(tmp_path), {})
    files.add("hits", 0, 1)
    assert files.incr("hits") == 1
    assert files.incr("hits", 2) == 3
    time.sleep(1.2)
    assert files.get("hits") is None
    with pytest.raises(ValueError):
        files.incr("hits")


def test_counting_a_missing_key_is_refused(tmp_path):
    files = FileCache(str(tmp_path), {})
    with pytest.raises(ValueError):
        files.incr("never-added")
    files.set("forever", 5, None)
    assert files.decr("forever") == 4
    files.clear()
    assert files.get("forever") is None
