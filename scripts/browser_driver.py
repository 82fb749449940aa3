"""Drives Debian's headless Chromium through Selenium for scripts/browser-test.sh.

    dashboard --url URL --admin-key KEY --api-key KEY --tenant T --out DIR
        Walks the live dashboard of a `cycles serve --mock` as a person would and fails (exit 1, with the reason)
        when something is not as it should be: logs in through the #key= link, sees a reservation made through the
        API appear and its countdown fall without a reload, advances the virtual clock from the dashboard and sees the
        reservation expire, sees the budget bar change after a commit, arms a fault rule from the dashboard and sees the
        commit whose answer it dropped in the request journal. Saves
        screenshots in DIR (dashboard.png is the whole page at the end).

    screenshot FILE OUT.png [--expand-first-details [--details-selector CSS]] [--width N]
        Opens a local HTML file with the browser's network cut off (fails if the page tries to load anything from
        elsewhere), optionally opens its first <details> (or the first matching CSS) by clicking its summary, and
        saves a full-page screenshot.
"""

import argparse
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 15


class Failure(Exception):
    """A check that did not hold; the message says which and what was seen."""


def make_driver(width):
    """Headless Chromium from Debian's packages; nothing is downloaded (Selenium Manager stays offline)."""
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start.
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        f"--window-size={width},900",
    ):
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


def full_page_screenshot(driver, path, width):
    """Resizes the window to the page's height (at most 6000 px) so one PNG shows everything."""
    # The window's size includes the browser's own frame (about 140 px even headless): add what it takes.
    height, frame = driver.execute_script(
        "return [Math.max(document.body.scrollHeight, document.documentElement.scrollHeight),"
        " window.outerHeight - window.innerHeight];")
    driver.set_window_size(width, min(max(int(height) + int(frame), 600), 6000))
    driver.execute_script("window.scrollTo(0, 0);")
    time.sleep(0.3)
    if not driver.save_screenshot(path):
        raise Failure(f"could not save the screenshot {path}")
    print(f"screenshot: {path}")


def wait_for(driver, what, condition, seconds=WAIT_SECONDS):
    """Waits until `condition(driver)` is truthy; fails naming `what` otherwise."""
    try:
        # A live update replaces the sections while a condition reads them: a stale element just means "look again".
        return WebDriverWait(
            driver, seconds, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]
        ).until(lambda d: condition(d))
    except Exception as error:  # TimeoutException, or a stale element raised by the condition
        raise Failure(f"timed out after {seconds} s waiting for {what} ({type(error).__name__})") from None


class Runtime:
    """The few runtime API calls the scenario makes, with the tenant's API key."""

    def __init__(self, base_url, api_key, tenant):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.tenant = tenant

    def post(self, path, body):
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "X-Cycles-API-Key": self.api_key})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise Failure(f"POST {path} answered {error.code}: {error.read().decode(errors='replace')}") from None

    def reserve(self, amount, unit, ttl_ms):
        answer = self.post("/v1/reservations", {
            "idempotency_key": "browser-" + uuid.uuid4().hex,
            "subject": {"tenant": self.tenant},
            "action": {"kind": "llm.completion", "name": "browser-test"},
            "estimate": {"unit": unit, "amount": amount},
            "ttl_ms": ttl_ms,
        })
        if answer.get("decision") != "ALLOW" or not answer.get("reservation_id"):
            raise Failure(f"the reserve was not allowed: {answer}")
        return answer["reservation_id"]

    def commit(self, reservation_id, amount, unit):
        return self.post(f"/v1/reservations/{reservation_id}/commit", {
            "idempotency_key": "browser-" + uuid.uuid4().hex,
            "actual": {"unit": unit, "amount": amount},
        })


# The readers below run one script each, so they see one consistent page even while a live update replaces the
# sections (element handles held across an update would go stale).

def budget_row(driver, tenant, scope, unit):
    return driver.execute_script("""
        const row = Array.from(document.querySelectorAll("#live-budgets tr.budget")).find(r =>
            r.dataset.tenant === arguments[0] && r.dataset.scope === arguments[1] && r.dataset.unit === arguments[2]);
        return row ? { spent: Number(row.dataset.spent), spent_width: row.querySelector(".seg.spent").style.width } : null;
        """, tenant, scope, unit)


def active_countdown(driver, reservation_id):
    return driver.execute_script("""
        const row = Array.from(document.querySelectorAll("#live-reservations table.active tr"))
            .find(r => r.dataset.reservationId === arguments[0]);
        const cell = row && row.querySelector(".countdown");
        return cell && cell.dataset.remainingMs ? Number(cell.dataset.remainingMs) : null;
        """, reservation_id)


def history_status(driver, reservation_id):
    return driver.execute_script("""
        const row = Array.from(document.querySelectorAll("#live-reservations table.history tr"))
            .find(r => r.dataset.reservationId === arguments[0]);
        return row ? row.dataset.status : null;
        """, reservation_id)


def texts(driver, selector):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent.trim());", selector)


def journal_operations(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#live-journal tr.journal-entry')).map(r => r.dataset.operation);")


def run_dashboard(arguments):
    out = arguments.out
    os.makedirs(out, exist_ok=True)
    runtime = Runtime(arguments.url, arguments.api_key, arguments.tenant)
    scope, unit = f"tenant:{arguments.tenant}", arguments.unit
    driver = make_driver(arguments.width)
    try:
        # Log in as the printed link does: the key travels in the fragment, the page posts it and drops it.
        driver.get(arguments.url.rstrip("/") + "/dashboard/login#key=" + urllib.parse.quote(arguments.admin_key))
        wait_for(driver, "the dashboard after logging in",
                 lambda d: urllib.parse.urlparse(d.current_url).path == "/dashboard"
                 and d.find_elements(By.ID, "live-budgets"))
        if "key=" in driver.current_url:
            raise Failure(f"the admin key is still in the address bar: {driver.current_url}")
        cookies = driver.get_cookies()
        session = [c for c in cookies if c["name"] == "cycles_dashboard"]
        if not session or not session[0].get("httpOnly") or session[0].get("sameSite") != "Strict":
            raise Failure(f"expected an HttpOnly, SameSite=Strict session cookie, got {cookies}")
        if arguments.admin_key in session[0]["value"]:
            raise Failure("the session cookie holds the admin key")
        wait_for(driver, "the live stream to connect",
                 lambda d: d.find_element(By.ID, "live-status").text == "live")
        # A marker that a reload would wipe: every later check must find it, so the page changed in place.
        driver.execute_script("window.__noReload = 'still here';")
        before = wait_for(driver, f"the budget row {scope} {unit}", lambda d: budget_row(d, arguments.tenant, scope, unit))
        print(f"budget before: spent {before['spent']}")

        # 1. A reservation made through the API appears, and its countdown falls.
        first = runtime.reserve(50_000_000, unit, ttl_ms=120_000)
        print(f"reserved {first}")
        wait_for(driver, f"reservation {first} in the active list", lambda d: active_countdown(d, first) is not None)
        start = active_countdown(driver, first)
        time.sleep(1.5)
        later = active_countdown(driver, first)
        if not (start and later and later < start and start - later >= 1000):
            raise Failure(f"the countdown did not fall: {start} ms, then {later} ms 1.5 s later")
        print(f"countdown: {start} ms -> {later} ms")
        full_page_screenshot(driver, os.path.join(out, "dashboard-reservation.png"), arguments.width)

        # 2. Moving the virtual clock from the dashboard expires it.
        driver.find_element(By.ID, "advance-10m").click()
        wait_for(driver, f"reservation {first} to expire after +10 min",
                 lambda d: active_countdown(d, first) is None and history_status(d, first) == "EXPIRED")
        mode = texts(driver, "#clock-mode")[0]
        if mode != "offset":
            raise Failure(f"the clock mode shown is {mode!r}, expected 'offset' after advancing")
        print(f"{first} expired; clock mode {mode}")

        # 3. A commit moves the budget bar.
        second = runtime.reserve(40_000_000, unit, ttl_ms=120_000)
        wait_for(driver, f"reservation {second} in the active list", lambda d: active_countdown(d, second) is not None)
        runtime.commit(second, 30_000_000, unit)
        after = wait_for(driver, "the budget's spent to grow by the commit",
                         lambda d: (row := budget_row(d, arguments.tenant, scope, unit))
                         and row["spent"] == before["spent"] + 30_000_000 and row)
        if after["spent_width"] == before["spent_width"]:
            raise Failure(f"the spent bar did not change: {before['spent_width']} both times")
        wait_for(driver, f"reservation {second} as COMMITTED", lambda d: history_status(d, second) == "COMMITTED")
        print(f"budget after commit: spent {after['spent']} (bar {before['spent_width']} -> {after['spent_width']})")

        # 4. A fault rule armed from the dashboard is listed with its counters; the journal lists the requests.
        driver.find_element(By.ID, "fault-add").click()
        wait_for(driver, "the armed fault rule", lambda d: d.find_elements(By.CSS_SELECTOR, "#live-faults tr.fault-rule"))
        # The rule drops the answer to the next commit: the commit is applied, the client never hears back, and
        # the journal says so.
        third = runtime.reserve(20_000_000, unit, ttl_ms=120_000)
        try:
            runtime.commit(third, 10_000_000, unit)
            raise Failure("the commit was answered although the armed rule drops its answer")
        except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
            pass
        wait_for(driver, "the journal entry of the dropped answer",
                 lambda d: any("answer dropped" in text for text in texts(d, "#live-journal td.outcome")))
        wait_for(driver, "the fault rule's applied counter at 1",
                 lambda d: texts(d, "#live-faults tr.fault-rule td.num")[-1:] == ["1"])
        operations = journal_operations(driver)
        if operations.count("reserve") < 3 or operations.count("commit") < 2:
            raise Failure(f"the journal does not list the reserves and the commit: {operations}")
        verdict = texts(driver, "#invariant-verdict")[0]
        if not verdict.startswith("✓"):
            raise Failure(f"the invariant check failed: {verdict}")

        if driver.execute_script("return window.__noReload;") != "still here":
            raise Failure("the page reloaded: live updates must arrive without one")
        full_page_screenshot(driver, os.path.join(out, "dashboard.png"), arguments.width)
        print("dashboard: every check passed")
    finally:
        driver.quit()


def run_screenshot(arguments):
    path = os.path.abspath(arguments.file)
    if not os.path.isfile(path):
        raise Failure(f"no such file: {path}")
    driver = make_driver(arguments.width)
    try:
        # Offline, as a CI artifact is opened: the browser's network is cut before the page loads, and the page must
        # not have tried to fetch anything from elsewhere (a CDN, a font, an image).
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        driver.get("file://" + urllib.parse.quote(path))
        remote = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file:')"
            " && !n.startsWith('data:'));")
        if remote:
            raise Failure(f"{path} loads from the network, so it does not work offline: {remote}")
        if arguments.expand_first_details:
            details = driver.find_elements(By.CSS_SELECTOR, arguments.details_selector)
            if not details:
                raise Failure(f"{path} has no {arguments.details_selector} to expand")
            summaries = details[0].find_elements(By.TAG_NAME, "summary")
            if summaries:
                driver.execute_script("arguments[0].scrollIntoView();", summaries[0])
                if driver.execute_script("return arguments[0].open;", details[0]):
                    # Already open (a report shows its failures open): fold it first, so the click below shows
                    # that a reader's click expands it.
                    summaries[0].click()
                    if driver.execute_script("return arguments[0].open;", details[0]):
                        raise Failure("the first <details> did not fold on a click")
                summaries[0].click()
            else:
                driver.execute_script("arguments[0].open = true;", details[0])
            if not driver.execute_script("return arguments[0].open;", details[0]):
                raise Failure("the first <details> did not open")
        os.makedirs(os.path.dirname(os.path.abspath(arguments.out)) or ".", exist_ok=True)
        full_page_screenshot(driver, arguments.out, arguments.width)
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dashboard = commands.add_parser("dashboard", help="walk the live dashboard of a cycles serve --mock")
    dashboard.add_argument("--url", required=True)
    dashboard.add_argument("--admin-key", required=True)
    dashboard.add_argument("--api-key", required=True)
    dashboard.add_argument("--tenant", required=True)
    dashboard.add_argument("--unit", default="USD_MICROCENTS")
    dashboard.add_argument("--out", default="screenshots")
    dashboard.add_argument("--width", type=int, default=1400)
    screenshot = commands.add_parser("screenshot", help="screenshot a local HTML file")
    screenshot.add_argument("file")
    screenshot.add_argument("out")
    screenshot.add_argument("--expand-first-details", action="store_true",
                            help="click the summary of the first <details> (or of --details-selector) and check it opened")
    screenshot.add_argument("--details-selector", default="details",
                            help="which <details> to expand, as a CSS selector (default: details)")
    screenshot.add_argument("--width", type=int, default=1280)
    arguments = parser.parse_args()
    try:
        (run_dashboard if arguments.command == "dashboard" else run_screenshot)(arguments)
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
