"""End-to-end browser test of Reel's web face (issue 19).

Builds a synthetic release with `reel synth` + `reel nightly` (one movie retitled to hold a
<script> tag, to prove titles are shown as text), starts `reel serve` on an ephemeral port,
and drives headless Chromium through the Explore page, the report and the API page:
search a title, open a movie, open a user, switch the blend, keyboard navigation, a phone
layout, /report and /docs. Fails on any console error. Screenshots go to --out.
"""
import argparse, csv, io, json, os, re, shutil, signal, subprocess, sys, tempfile, time, traceback
import urllib.request

import xxhash
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

EVIL = '<script>alert("reel")</script> Evil Title'
FAST = {"REEL_MODEL_RANK": "8", "REEL_MODEL_IMPLICIT_ITERATIONS": "3", "REEL_MODEL_EXPLICIT_ITERATIONS": "3"}


def reel(args, home, binary):
    env = dict(os.environ, REEL_ROOT=home, **FAST)
    r = subprocess.run([binary] + args + ["--quiet"], cwd=home, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"reel {' '.join(args)} exited {r.returncode}: {r.stderr[-2000:]}")
    return r.stdout


def retitle_first_movie(home):
    """Gives the first movie a title holding markup, and updates the bronze manifest to match."""
    bronze = None
    for root, _, files in os.walk(os.path.join(home, "lakehouse", "bronze")):
        if "movies.csv" in files and "_manifest.json" in files:
            bronze = root
    assert bronze, "reel synth wrote no bronze movies.csv"
    path = os.path.join(bronze, "movies.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[1][1] = EVIL + " (1999)"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    data = buf.getvalue().encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    manifest_path = os.path.join(bronze, "_manifest.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    entry = manifest["files"]["movies.csv"]
    entry["bytes"] = len(data)
    entry["xxh3"] = xxhash.xxh3_64_hexdigest(data)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2)
    return int(rows[1][0])


def start_daemon(home, binary):
    env = dict(os.environ, REEL_ROOT=home)
    p = subprocess.Popen([binary, "serve", "--port", "0"], cwd=home, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = p.stdout.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line or "")
        if m and int(m.group(1)) > 0:
            return p, int(m.group(1))
        if p.poll() is not None:
            break
    p.kill()
    raise RuntimeError("reel serve did not start")


class Checks:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, name, fn):
        try:
            fn()
            self.passed += 1
            print(f"  ok    {name}")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            self.failed += 1
            print(f"  FAIL  {name}: {e!r}")
            traceback.print_exc(limit=3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reel", required=True)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--driver", default="/usr/bin/chromedriver")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    binary = os.path.abspath(a.reel)
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    home = tempfile.mkdtemp(prefix="reel-browser-")
    print(f"browser test: home {home}, screenshots in {out}")
    reel(["synth", "--preset", "tiny", "--seed", "7"], home, binary)
    evil_id = retitle_first_movie(home)
    reel(["nightly"], home, binary)
    runs = os.listdir(os.path.join(home, "output", "runs"))
    daemon, port = start_daemon(home, binary)
    base = f"http://127.0.0.1:{port}"

    opts = webdriver.ChromeOptions()
    opts.binary_location = a.chromium
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=en-US"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(a.driver), options=opts)
    wait = WebDriverWait(driver, 20)
    c = Checks()

    def shot(name):
        driver.save_screenshot(os.path.join(out, name))

    def console_errors():
        return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]

    def no_alert():
        try:
            driver.switch_to.alert
        except NoAlertPresentException:
            return
        raise AssertionError("a script from a title ran (alert shown)")

    try:
        def headers():
            r = urllib.request.urlopen(base + "/")
            csp = r.headers.get("Content-Security-Policy", "")
            assert "default-src 'self'" in csp and "script-src 'self'" in csp, csp
            assert r.headers.get("X-Content-Type-Options") == "nosniff"
            body = r.read().decode()
            assert "<script src=\"/static/explore.js\"" in body
            rep = urllib.request.urlopen(base + "/report")
            assert "default-src 'none'" in rep.headers.get("Content-Security-Policy", "")
            assert rep.headers.get("X-Content-Type-Options") == "nosniff"
            assert "<script" not in rep.read().decode().lower(), "the report holds a script"
            with urllib.request.urlopen(base + "/v1/movies?q=evil&k=3") as s:
                found = json.load(s)
            assert found["items"][0]["title"] == EVIL and found["items"][0]["movieId"] == evil_id, found
        c.check("pages send CSP and nosniff; the report has no script; search finds the retitled movie", headers)

        def nightly_report():
            assert any(os.path.exists(os.path.join(home, "output", "runs", r, "report.html")) for r in runs), runs
        c.check("the nightly wrote report.html beside its run record", nightly_report)

        def home_page():
            driver.get(base + "/")
            wait.until(lambda d: "release" in d.find_element(By.ID, "release-badge").text)
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#trend-list li a")) > 0)
            assert driver.find_elements(By.CSS_SELECTOR, "#release-facts dt")
            Select(driver.find_element(By.ID, "trend-window")).select_by_value("30d")
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#trend-list li")) > 0)
            shot("explore.png")
        c.check("/ shows the release and trending now (window switch)", home_page)

        def search_escapes():
            box = driver.find_element(By.ID, "search")
            box.clear()
            box.send_keys("evil")
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#search-results li a")) > 0)
            text = driver.find_element(By.CSS_SELECTOR, "#search-results li a").text
            assert EVIL in text, text
            no_alert()
            assert not driver.find_elements(By.CSS_SELECTOR, "#search-results script")
        c.check("search as you type shows a <script> title as text", search_escapes)

        def keyboard_open():
            box = driver.find_element(By.ID, "search")
            box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
            wait.until(lambda d: d.current_url.endswith(f"#/movie/{evil_id}"))
            wait.until(lambda d: EVIL in d.find_element(By.ID, "movie-title").text)
            no_alert()
        c.check("arrow down + Enter opens the movie (keyboard)", keyboard_open)

        state = {}

        def search_and_open():
            driver.get(base + "/")
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#trend-list li a")) > 0)
            links = [a for a in driver.find_elements(By.CSS_SELECTOR, "#trend-list li a") if "Evil" not in a.text]
            title = re.sub(r"\s*\(\d{4}\)$", "", links[0].text)
            box = driver.find_element(By.ID, "search")
            box.send_keys(title.upper())  # other case: still the exact title, first
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#search-results li a")) > 0)
            shot("search.png")
            link = driver.find_elements(By.CSS_SELECTOR, "#search-results li a")[0]
            assert link.text.startswith(title), (link.text, title)
            link.click()
            wait.until(lambda d: d.find_elements(By.ID, "movie-title"))
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#similar-list li")) > 0)
            pos = driver.find_element(By.ID, "movie-trending").text
            assert "24h" in pos and "30d" in pos and "#" in pos, pos
            shot("movie.png")
        c.check("search a title, open the movie: title, similar movies, trending position", search_and_open)

        def user_view():
            field = driver.find_element(By.ID, "user-id")
            field.clear()
            field.send_keys("1", Keys.ENTER)
            wait.until(lambda d: d.current_url.endswith("#/user/1"))
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#recent-list li a")) > 0)
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#recs-list li a")) > 0)
            state["served"] = driver.find_element(By.ID, "recs-source").text
            driver.find_element(By.ID, "search").clear()
            assert driver.find_element(By.CSS_SELECTOR, "#recent-list .stars").text.startswith("★")
            shot("user.png")
        c.check("open a user: recent ratings beside recommendations", user_view)

        def switch_blend():
            driver.find_element(By.CSS_SELECTOR, "label[for=blend-model]").click()
            wait.until(lambda d: "als" in d.find_element(By.ID, "recs-source").text)
            assert driver.find_element(By.ID, "blend-model").is_selected()
            driver.find_element(By.CSS_SELECTOR, "label[for=blend-served]").click()
            wait.until(lambda d: d.find_element(By.ID, "recs-source").text == state["served"])
        c.check("switch between the model's order and the served blend", switch_blend)

        def phone():
            driver.set_window_size(390, 844)
            driver.refresh()
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#recs-list li a")) > 0)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= 400, f"page is {width}px wide on a 390px phone"
            shot("user-phone.png")
            driver.set_window_size(1280, 1000)
        c.check("the user view fits a phone screen", phone)

        def report():
            driver.set_window_size(1280, 2600)
            driver.get(base + "/report")
            wait.until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
            assert "Reel evaluation report" in driver.find_element(By.TAG_NAME, "h1").text
            svgs = driver.find_elements(By.TAG_NAME, "svg")
            assert len(svgs) >= 4, f"{len(svgs)} plots"
            body = driver.find_element(By.TAG_NAME, "body").text
            for section in ["Candidates", "Blend search", "Training", "Nightly history", "Data volumes"]:
                assert section in body, section
            shot("report.png")
            driver.set_window_size(1280, 1000)
        c.check("/report shows the evaluation report with its plots", report)

        def docs():
            driver.set_window_size(1280, 1400)
            driver.get(base + "/docs")
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "details.op")) >= 8)
            op = driver.find_element(By.ID, "op-searchMovies")
            if not op.get_attribute("open"):
                op.find_element(By.TAG_NAME, "summary").click()
            op.find_element(By.ID, "searchMovies-send").click()
            wait.until(lambda d: "HTTP 200" in d.find_element(By.ID, "searchMovies-out").text)
            first = driver.find_element(By.CSS_SELECTOR, "details.op")
            first.find_element(By.CSS_SELECTOR, "button").click()
            wait.until(lambda d: "HTTP 200" in first.find_element(By.TAG_NAME, "pre").text)
            driver.execute_script("window.scrollTo(0, 0)")
            shot("docs.png")
            driver.set_window_size(1280, 1000)
        c.check("/docs renders every route and its examples answer 200", docs)

        def console():
            errors = console_errors()
            assert not errors, errors
        c.check("no console errors on any page", console)
    finally:
        driver.quit()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
        if c.failed == 0:
            shutil.rmtree(home, ignore_errors=True)
    print(f"browser: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
