"""Open the built index and every report in headless Chromium, as a stakeholder would.

Checks that every image loaded and no error output shows, and keeps screenshots under
``screenshots/`` (ignored by git). Skips, saying why, where no Chromium is installed
(`.ci/run` installs Debian's `chromium`).
"""
import html
import json
import re
import shutil
import subprocess

import pytest

from analysis import paths, report

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = [pytest.mark.notebook,
              pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH: install Debian's `chromium` to run the browser test")]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files"]

PROBE = """<html><body><iframe id="f" src="{src}" style="width:1280px;height:900px"></iframe><script>
const f = document.getElementById('f');
f.onload = () => {{
  const d = f.contentDocument, imgs = [...d.images];
  document.body.setAttribute('data-result', JSON.stringify({{
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    errors: d.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').length,
    traceback: d.body.innerText.includes('Traceback'),
    links: [...d.querySelectorAll('a[href$=".html"]')].map(a => a.getAttribute('href'))
  }}));
}};
</script></body></html>"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    target = tmp_path_factory.mktemp("site") / "reports"
    assert report.build(target=target, force=True) == 0
    return target


def _chromium(args, tmp_path):
    cmd = [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _probe(page, tmp_path):
    probe = tmp_path / f"probe_{page.stem}.html"
    probe.write_text(PROBE.format(src=page.as_uri()), encoding="utf-8")
    out = _chromium(["--virtual-time-budget=15000", "--dump-dom", probe.as_uri()], tmp_path).stdout
    m = re.search(r'data-result="([^"]*)"', out)
    assert m, f"the probe did not run for {page.name}"
    return json.loads(html.unescape(m.group(1)))


def test_index_and_every_report_render_cleanly(built, tmp_path):
    pages = sorted(built.glob("*.html"))
    assert any(p.name == "index.html" for p in pages) and len(pages) >= 2
    shots = paths.ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    index = _probe(built / "index.html", tmp_path)
    assert sorted(index["links"]) == sorted(p.name for p in pages if p.name != "index.html")
    for page in pages:
        result = _probe(page, tmp_path)
        assert result["broken"] == 0, f"{page.name}: {result['broken']} image(s) failed to load"
        assert result["errors"] == 0 and not result["traceback"], f"{page.name} shows an error or warning output"
        if page.name != "index.html":
            assert result["images"] >= 1, f"{page.name} has no chart"
        shot = shots / f"{page.stem}.png"
        _chromium(["--window-size=1280,3000", f"--screenshot={shot}", page.as_uri()], tmp_path)
        assert shot.exists() and shot.stat().st_size > 10_000
