"""The course website: built from lessons/ with every notebook executed in quick mode, then opened in a real browser.

The build (``tools/build_site.py --execute quick``) executes each lesson once per language, as nbval did for
``notebooks/``: a cell that raises, including a failed ``assert``, fails ``test_site_builds``. A fresh cache folder
makes every test run execute every cell. Headless Chromium (Debian's ``chromium`` + ``chromium-driver``, driven by
Selenium; nothing is downloaded) then checks the pages. Without a browser the browser tests skip with one line,
unless ``GANKIT_REQUIRE_BROWSER`` is set (``.ci/run`` sets it), then they fail.

The built site, its logs and the screenshots of lesson 2 stay in ``site/_build/test/`` (printed at the end).
"""

import functools
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
OUT = REPO / "site" / "_build" / "test"
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]_*.py"))
LANGS = ("zh", "en")
SEARCH = {"zh": "判别器", "en": "discriminator"}


def lesson_title(stem, lang):
    sys.path.insert(0, str(REPO / "tools"))
    import build_notebooks
    import nbformat

    nb = nbformat.reads(build_notebooks.build(REPO / "lessons" / f"{stem}.py", lang), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{stem} has no '# ' title")


@pytest.fixture(scope="module")
def site():
    """Build both sites once for this module (about 2 × the quick-mode time of the lessons). Every
    lesson runs, so every lesson's datasets must be here: a missing one skips the site with one line
    naming it (a failure under GANKIT_REQUIRE_DATA, as in CI)."""
    from gankit import data
    from gankit.lesson import lesson_datasets

    missing = sorted({name for stem in LESSONS for name in lesson_datasets(int(stem[:2]))
                      if data.locate(name) is None})
    if missing:
        message = (f"the site runs every lesson, and this machine lacks {', '.join(missing)}: "
                   f"python -m gankit.data get {' '.join(missing)} (or set GANKIT_DATA)")
        if os.environ.get("GANKIT_REQUIRE_DATA", "") not in ("", "0"):
            pytest.fail(message + "; GANKIT_REQUIRE_DATA is set")
        pytest.skip(message)
    if OUT.exists():
        shutil.rmtree(OUT)
    start = time.time()
    result = subprocess.run(
        [sys.executable, "tools/build_site.py", "--execute", "quick", "--out", str(OUT),
         "--cache-dir", str(OUT / "cache")], cwd=REPO, capture_output=True, text=True, timeout=3600)
    print(f"site built in {time.time() - start:.0f} s -> {OUT / 'html'}")
    return result


def test_site_builds(site):
    """Every cell of every lesson ran in quick mode, in both languages (the build stops at a cell's error)."""
    assert site.returncode == 0, f"tools/build_site.py failed:\n{site.stdout[-12000:]}\n{site.stderr[-4000:]}"
    for lang in LANGS:
        for stem in LESSONS:
            assert (OUT / "html" / lang / f"{stem}.html").is_file(), f"{lang}/{stem}.html was not built"
    built = json.loads((OUT / "build.json").read_text())
    assert built["execute"] == "quick" and built["lessons"] == LESSONS


def browser_or_skip():
    """A headless Chromium driver, or a skip naming what is missing (a failure when GANKIT_REQUIRE_BROWSER is set)."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -r requirements.txt)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium:
        missing.append("chromium (apt-get install chromium)")
    if not driver:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        message = "browser test needs " + ", ".join(missing)
        if os.environ.get("GANKIT_REQUIRE_BROWSER"):
            pytest.fail(message + " and GANKIT_REQUIRE_BROWSER is set")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1800",
                 "--lang=en-US"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=options)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser(site):
    if site.returncode != 0:
        pytest.skip("the site did not build (see test_site_builds)")
    driver = browser_or_skip()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(OUT / "html")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver.base = f"http://127.0.0.1:{server.server_address[1]}"
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    server.shutdown()


def open_page(driver, path):
    driver.get(f"{driver.base}/{path}")
    # MathJax 3 typesets after load; its startup promise resolves once the page is done
    driver.set_script_timeout(60)
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const wait = () => (window.MathJax && MathJax.startup && MathJax.startup.promise)
            ? MathJax.startup.promise.then(() => done(true), () => done(false))
            : (document.readyState === 'complete' && !document.querySelector('script[src*="mathjax"]')) ? done(true)
            : setTimeout(wait, 100);
        wait();""")
    return driver


def console_errors(driver):
    """Errors in the browser's console; the test server's missing /favicon.ico is the server's, not the site's."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "/favicon.ico" not in entry["message"]]


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_lists_every_lesson(browser, lang):
    open_page(browser, f"{lang}/index.html")
    links = {a.get_attribute("href").rsplit("/", 1)[-1] for a in browser.find_elements("css selector", "article a[href]")}
    for stem in LESSONS:
        assert f"{stem}.html" in links, f"{lang}/index.html does not link lesson {stem}"
    titles = browser.find_element("css selector", "article").text
    for stem in LESSONS:
        assert lesson_title(stem, lang) in titles
    assert not console_errors(browser)


@pytest.mark.parametrize("lang", LANGS)
def test_lesson_pages_render(browser, lang):
    """Title, equations typeset by MathJax (no raw $$ left), figures that load, no console error, on every lesson."""
    problems = []
    for stem in LESSONS:
        open_page(browser, f"{lang}/{stem}.html")
        page = f"{lang}/{stem}.html"
        h1 = browser.find_element("css selector", "article h1").text.replace("#", "").strip()
        if h1 != lesson_title(stem, lang):
            problems.append(f"{page}: title {h1!r}")
        state = browser.execute_script("""
            const article = document.querySelector('article');
            const text = article.cloneNode(true);
            text.querySelectorAll('pre, code, .output, .cell_output, mjx-container').forEach(e => e.remove());
            const images = [...article.querySelectorAll('img')];
            return {math: article.querySelectorAll('mjx-container').length,
                    raw: (text.textContent.match(/\\$\\$|\\\\\\[|\\\\begin\\{/g) || []).length,
                    images: images.length,
                    loaded: images.filter(i => i.complete && i.naturalWidth > 0).length,
                    broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)};""")
        if state["math"] == 0:
            problems.append(f"{page}: no MathJax output")
        if state["raw"]:
            problems.append(f"{page}: {state['raw']} raw $$ / \\[ / \\begin left in the text")
        if state["loaded"] == 0:
            problems.append(f"{page}: no figure loads")
        if state["broken"]:
            problems.append(f"{page}: figures that do not load: {state['broken']}")
        errors = console_errors(browser)
        if errors:
            problems.append(f"{page}: console errors {errors}")
    assert not problems, "\n".join(problems)


def test_quick_mode_banner_and_reference_figures(browser):
    for lang in LANGS:
        open_page(browser, f"{lang}/02_dcgan.html")
        assert browser.find_elements("css selector", ".gankit-quick-banner"), f"{lang}: no quick-mode banner"
        refs = browser.find_elements("css selector", ".gankit-reference img")
        assert len(refs) == 2 and all(browser.execute_script("return arguments[0].naturalWidth", img) > 0 for img in refs)


@pytest.mark.parametrize("stem", ["02_dcgan", "06_wgan"])
def test_language_switch_goes_to_the_same_lesson(browser, stem):
    for lang, other in (("zh", "en"), ("en", "zh")):
        open_page(browser, f"{lang}/{stem}.html")
        browser.find_element("css selector", "article .gankit-lang-switch, .gankit-lang-switch").click()
        assert browser.current_url.endswith(f"/{other}/{stem}.html"), browser.current_url
        assert browser.find_element("css selector", "article h1").text.replace("#", "").strip() == lesson_title(stem, other)


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_lesson_pages(browser, lang):
    term = SEARCH[lang]
    open_page(browser, f"{lang}/search.html?q={term}")
    deadline = time.time() + 30
    hits = []
    while time.time() < deadline and not hits:
        hits = [a.get_attribute("href") for a in browser.find_elements("css selector", "#search-results ul.search li a")]
        time.sleep(0.3)
    lessons = {h.split("?")[0].rsplit("/", 1)[-1] for h in hits if re.search(r"/\d\d_\w+\.html", h)}
    assert len(lessons) >= 3, f"search for {term!r} found {hits}"


def test_screenshots_of_lesson_2(browser):
    folder = OUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        open_page(browser, f"{lang}/02_dcgan.html")
        height = browser.execute_script("return Math.min(document.body.scrollHeight, 6000)")
        browser.set_window_size(1280, max(1800, height))
        path = folder / f"lesson02_{lang}.png"
        assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
        browser.set_window_size(1280, 1800)
        print(f"screenshot: {path}")
