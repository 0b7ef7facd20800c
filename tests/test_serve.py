"""`python -m analysis serve`: the built reports over HTTP on 127.0.0.1, links and all.

Inside JupyterLab's HTML viewer a report's links give 403 (Jupyter's server refuses file requests
without a referer); this server is the way to click through the reports.
"""
import re
import subprocess
import sys
import urllib.request

import pytest


@pytest.fixture
def served(tmp_path):
    (tmp_path / "index.html").write_text('<a href="01_price_history.html">prices</a>', encoding="utf-8")
    (tmp_path / "01_price_history.html").write_text("<h1>prices</h1>", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "serve", "--port", "0", "--directory", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"no address in {line!r}"
        yield f"http://127.0.0.1:{match.group(1)}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_and_its_links_are_served(served):
    index = urllib.request.urlopen(served, timeout=10).read().decode()
    href = re.search(r'href="([^"]+)"', index).group(1)
    with urllib.request.urlopen(served + href, timeout=10) as page:
        assert page.status == 200 and b"<h1>prices</h1>" in page.read()


def test_no_reports_yet_is_a_clear_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "analysis", "serve", "--port", "0", "--directory", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "no index.html to serve" in done.stderr and "make report" in done.stderr
    assert "Traceback" not in done.stderr
