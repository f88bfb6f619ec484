#!/usr/bin/env python3
"""Drives Tally's web dashboard in a real headless Chromium (Debian's chromium + chromium-driver)
against a running `tally serve`. Tests/EndToEndTests/DashboardBrowserTests.swift starts the
servers (and FakeToggl) and runs one scenario per server:

  unconfigured  a fresh database and no source: set-up form, the grey cloud, every page
  configured    Toggl (FakeToggl) synced: sign-in, the indicator on / syncing / off / on,
                a category change, an Apple Health upload, sign-out and sign-in, Dutch
  error         Toggl with a wrong token: the indicator shows the failure and its reason

Every check that fails prints "dashboard-browser: FAILED at <step>: ...", saves
failure-<step>.png in the artefacts directory and exits 1. Screenshots are printed as
"screenshot: <path>"; facts for the Swift side to verify are printed as "RESULT <json>".

Arguments may also come from the environment: TALLY_BASE_URL, TALLY_ARTEFACTS,
TALLY_HEALTH_EXPORT, TALLY_CHROMIUM, TALLY_CHROMEDRIVER.
"""

import argparse
import base64
import datetime
import json
import os
import shutil
import sys
import time
import traceback
from urllib.parse import urlsplit

# Selenium Manager must never try to download a browser or driver: both paths are given.
os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

TIMEOUT = 15
PREFIX = "dashboard-browser"


class CheckFailed(Exception):
    pass


def find_executable(env_name, candidates, names):
    explicit = os.environ.get(env_name)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    def __init__(self, base_url, artefacts):
        self.base_url = base_url.rstrip("/")
        self.artefacts = artefacts
        self.step_name = "start"
        chromium = find_executable("TALLY_CHROMIUM", ["/usr/bin/chromium"], ["chromium", "chromium-browser"])
        driver_path = find_executable("TALLY_CHROMEDRIVER", ["/usr/bin/chromedriver"], ["chromedriver"])
        if not chromium or not driver_path:
            raise CheckFailed(
                "chromium (%s) or chromedriver (%s) is missing: apt-get install chromium chromium-driver "
                "(scripts/test does)" % (chromium, driver_path))
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                         "--lang=en-US", "--disable-gpu", "--no-first-run", "--hide-scrollbars"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(15)

    # ---- Reporting ----

    def step(self, name):
        self.step_name = name
        print("%s: step %s" % (PREFIX, name), flush=True)

    def ok(self, text):
        print("%s: ok: %s" % (PREFIX, text), flush=True)

    def check(self, condition, message):
        if not condition:
            raise CheckFailed(message)
        self.ok(message)

    def result(self, **facts):
        print("RESULT " + json.dumps(facts), flush=True)

    def screenshot(self, name, full_page=False):
        path = os.path.join(self.artefacts, name)
        if full_page:
            # The whole document, not just the 1280×900 viewport (capped so a runaway page stays small).
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            clip = {"x": 0, "y": 0, "width": max(size["width"], 1280), "height": min(max(size["height"], 900), 6000),
                    "scale": 1}
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
            with open(path, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
        else:
            self.driver.save_screenshot(path)
        print("screenshot: %s" % path, flush=True)
        return path

    def failure(self, message):
        print("%s: FAILED at %s: %s" % (PREFIX, self.step_name, message), flush=True)
        try:
            print("%s: at %s (title %r)" % (PREFIX, self.driver.current_url, self.driver.title), flush=True)
            self.screenshot("failure-%s.png" % self.step_name.replace(" ", "-"), full_page=True)
            for entry in self.driver.get_log("browser"):
                print("%s: console %s: %s" % (PREFIX, entry.get("level"), entry.get("message")), flush=True)
        except Exception as problem:  # the browser itself may be what failed
            print("%s: could not save the failure screenshot: %s" % (PREFIX, problem), flush=True)

    def uncaught_script_errors(self):
        return [entry["message"] for entry in self.driver.get_log("browser")
                if entry.get("level") == "SEVERE" and "Uncaught" in entry.get("message", "")]

    # ---- Navigation and waiting ----

    def url(self, path):
        return self.base_url + path

    def path(self):
        return urlsplit(self.driver.current_url).path

    def go(self, path):
        self.driver.get(self.url(path))

    def wait(self, condition, message, timeout=TIMEOUT, poll=0.1):
        """Waits until `condition(driver)` is truthy. While a page is being replaced, a script or
        an element lookup can fail (stale element, no execution context yet): that counts as
        "not yet", and the last such error is reported if time runs out."""
        last_error = [None]

        def attempt(driver):
            try:
                return condition(driver)
            except WebDriverException as error:
                last_error[0] = error
                return False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=poll).until(attempt)
        except TimeoutException:
            detail = "; last error: %s" % str(last_error[0]).split("\n")[0] if last_error[0] else ""
            text = message() if callable(message) else message
            raise CheckFailed("%s (waited %ss%s)" % (text, timeout, detail))

    def element(self, css, timeout=TIMEOUT):
        return self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, css)), "no element %s" % css, timeout)

    def elements(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for_path(self, path, timeout=TIMEOUT):
        self.wait(lambda d: urlsplit(d.current_url).path == path,
                  lambda: "expected to arrive at %s, at %s" % (path, self.driver.current_url), timeout)
        self.loaded()

    def response_status(self):
        """The HTTP status of the document now shown (Navigation Timing's responseStatus)."""
        return self.wait(lambda d: d.execute_script(
            "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : null;"),
            "the page has no navigation timing")

    def submit(self, form_css):
        button = self.element(form_css + " button[type=submit]")
        old = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        self.wait(EC.staleness_of(old), "submitting %s did not load a new page" % form_css)
        self.loaded()

    def loaded(self):
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", "the page did not load")

    def fill(self, form_css, values):
        for name, value in values.items():
            field = self.element("%s [name=%s]" % (form_css, name))
            field.clear()
            field.send_keys(value)

    # ---- The sync indicator ----

    def indicator(self):
        return self.element("#sync-indicator")

    def indicator_state(self):
        """(classes, data-state, data-auto, title) of the header's cloud, read in one go."""
        return self.driver.execute_script(
            "const i = document.getElementById('sync-indicator');"
            "return i ? [Array.from(i.classList), i.dataset.state, i.dataset.auto, i.title] : null;")

    def wait_indicator(self, description, predicate, timeout=TIMEOUT):
        last = [None]

        def matches(_):
            state = self.indicator_state()
            last[0] = state
            return state is not None and predicate(set(state[0]), state[1], state[2], state[3])

        self.wait(matches, lambda: "the indicator never became %s; last seen %r" % (description, last[0]), timeout)
        self.ok("the indicator is %s: %r" % (description, last[0][:3]))
        return last[0]

    def wait_on(self, timeout=TIMEOUT):
        return self.wait_indicator(
            "on (sync-idle, data-auto=true)",
            lambda classes, state, auto, _: "sync-idle" in classes and "sync-off" not in classes and state == "idle"
            and auto == "true", timeout)

    def wait_off(self, timeout=TIMEOUT):
        return self.wait_indicator(
            "off (sync-disabled sync-off, data-auto=false)",
            lambda classes, state, auto, _: {"sync-disabled", "sync-off"} <= classes and state == "disabled"
            and auto == "false", timeout)

    def sync_status(self):
        """GET /v1/sync/status from the page, with the session, as the dashboard's script asks it."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/v1/sync/status', {headers: {Accept: 'application/json'}, credentials: 'same-origin'})"
            ".then(r => r.json()).then(done, e => done({error: String(e)}));")

    def hover_indicator(self):
        ActionChains(self.driver).move_to_element(self.indicator()).perform()
        details = self.element("#sync-details")
        self.wait(lambda _: details.is_displayed(), "hovering the indicator did not show #sync-details")
        return details

    def unhover(self):
        ActionChains(self.driver).move_to_element(self.driver.find_element(By.TAG_NAME, "main")).perform()

    # ---- Signing in ----

    def sign_in(self, login, password, expect_success=True):
        self.wait_for_path("/sign-in")
        self.fill("#sign-in-form", {"login": login, "password": password})
        self.submit("#sign-in-form")
        if expect_success:
            self.wait_for_path("/")
            self.element("#week-chart")
            self.check(self.elements("#sign-in-error") == [], "signed in as %s" % login)


# ---- Scenarios ----

def nav_labels(browser):
    return [link.text for link in browser.elements("nav.main-nav a")]


def unconfigured(browser, args):
    browser.step("setup")
    browser.go("/")
    browser.wait_for_path("/setup")
    browser.check(browser.element("#setup-form") is not None, "a fresh database sends / to the set-up form")
    browser.screenshot("setup.png")
    browser.fill("#setup-form", {
        "id": args.login, "name": "Ada Admin", "email": "ada@example.com", "timezone": "UTC",
        "password": args.password, "password_again": args.password})
    browser.submit("#setup-form")
    browser.wait_for_path("/")
    browser.element("#week-chart svg")
    browser.check("Overview" in nav_labels(browser), "the new admin is signed in on the overview")

    browser.step("unconfigured")
    classes, state, auto, title = browser.wait_indicator(
        "unconfigured", lambda classes, state, *_: "sync-unconfigured" in classes and state == "unconfigured")
    browser.check("No source configured" in title, "the tooltip says no source is configured: %r" % title)
    browser.indicator().click()
    time.sleep(0.5)  # a click on the grey cloud must change nothing; give a wrong request time to land
    browser.wait_indicator("still unconfigured after a click",
                           lambda classes, state, *_: "sync-unconfigured" in classes and state == "unconfigured", 2)
    browser.hover_indicator()
    browser.screenshot("unconfigured.png")
    browser.unhover()

    browser.step("integrations-unconfigured")
    browser.go("/integrations")
    browser.element("#sources-table")
    browser.check(browser.elements("#sync-now") == [], "without a source there is no Sync now button")
    browser.check(browser.element("#health-upload") is not None, "the Apple Health upload is offered anyway")
    browser.screenshot("integrations-unconfigured.png", full_page=True)


def configured(browser, args):
    browser.step("sign-in")
    browser.go("/")
    browser.wait_for_path("/sign-in")
    browser.check(browser.elements("nav.main-nav") == [], "signed out, / shows the sign-in form and no navigation")
    browser.sign_in(args.login, args.password)

    browser.step("on")
    # Swift started us after the start-up sync: the cloud is on and knows when it last synced.
    classes, state, auto, title = browser.wait_on(timeout=30)
    browser.check("Last sync: —" not in title, "the tooltip names the last sync")
    browser.check("toggl: idle" in title and "Click to turn auto-sync off" in title,
                  "the tooltip lists Toggl and what a click does: %r" % title)
    segments = browser.elements("#week-chart svg rect[data-category]")
    browser.check(len(segments) > 0, "the week chart has %d category segments" % len(segments))
    categories = sorted({segment.get_attribute("data-category") for segment in segments})
    browser.ok("week chart categories: %s" % ", ".join(categories))
    browser.check(len(browser.elements("#today-chart svg")) == 1, "the today chart is drawn")
    browser.element("#goal-progress")
    browser.element("#timer")
    details = browser.hover_indicator()
    browser.check("Last sync" in details.text, "hovering shows the details: %r" % details.text)
    browser.screenshot("on.png")
    browser.unhover()

    browser.step("pages")
    for path, name, marker in [("/entries", "entries.png", "#entries-table"), ("/team", "team.png", "#leaderboard"),
                               ("/integrations", "integrations.png", "#sources-table"),
                               ("/settings", "settings.png", "#rules-form")]:
        browser.go(path)
        browser.element(marker)
        browser.check(browser.response_status() == 200, "%s answers 200" % path)
        browser.screenshot(name, full_page=True)

    browser.step("syncing")
    browser.go("/integrations")
    browser.wait_on()
    browser.element("#sync-now").click()
    browser.wait_indicator("syncing (sync-syncing)",
                           lambda classes, state, *_: "sync-syncing" in classes and state == "syncing", timeout=5)
    browser.screenshot("syncing.png")
    browser.check(browser.path() == "/integrations", "Sync now stays on the page")
    browser.wait_on(timeout=30)

    browser.step("off")
    browser.indicator().click()
    classes, state, auto, title = browser.wait_off()
    browser.check("Click to turn auto-sync on" in title, "the tooltip now offers to turn it on")
    browser.unhover()
    browser.screenshot("off.png")
    browser.driver.refresh()
    browser.wait_for_path("/integrations")
    browser.wait_off()
    browser.check(True, "auto-sync stays off after a reload")
    synced_before = browser.sync_status().get("last_sync_at")
    browser.indicator().click()
    browser.wait_indicator("on or syncing with data-auto=true",
                           lambda classes, state, auto, _: auto == "true" and state in ("idle", "syncing")
                           and "sync-off" not in classes)
    # Turning auto-sync on wakes the scheduler for a cycle within a second; wait until it has run.
    latest = [None]

    def cycle_done(_):
        latest[0] = browser.sync_status()
        return latest[0].get("state") == "idle" and latest[0].get("last_sync_at") not in (None, synced_before)

    browser.wait(cycle_done, lambda: "turning auto-sync on ran no sync (last sync still %s): %r" % (synced_before, latest[0]),
                 timeout=30, poll=0.2)
    browser.ok("turning auto-sync on ran a sync (last sync %s, was %s)" % (latest[0]["last_sync_at"], synced_before))
    browser.wait_on(timeout=30)

    browser.step("category")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    browser.go("/entries?from=%s&to=%s" % (today - datetime.timedelta(days=3), today))
    browser.element("#entries-table")
    row = browser.element("#entries-table tbody tr[data-entry]")
    entry = row.get_attribute("data-entry")
    old_select = row.find_element(By.CSS_SELECTOR, "select.category-select")
    select = Select(old_select)
    before = select.first_selected_option.text
    choices = [option.text for option in select.options if option.text != before]
    browser.check(len(choices) > 0, "the first row (%s, %s) offers other categories" % (entry, before))
    chosen = next((name for name in ("Read", "Work") if name in choices), choices[0])
    select.select_by_visible_text(chosen)  # the script submits the form on change
    browser.wait(EC.staleness_of(old_select), "changing the category did not reload the page")
    browser.wait_for_path("/entries")
    row = browser.element('#entries-table tr[data-entry="%s"]' % entry)
    now_selected = Select(row.find_element(By.CSS_SELECTOR, "select.category-select")).first_selected_option.text
    browser.check(now_selected == chosen, "entry %s now shows %s (was %s), got %s" % (entry, chosen, before, now_selected))
    browser.check(browser.elements(".notice-error") == [], "no error notice after the change")
    browser.screenshot("category.png", full_page=True)
    browser.result(category_change={"entry": entry, "before": before, "after": chosen})

    if args.health_export:
        browser.step("upload")
        browser.go("/integrations")
        form = browser.element("#health-upload")
        user = Select(form.find_element(By.CSS_SELECTOR, "select[name=user_id]")).first_selected_option
        browser.check(user.get_attribute("value") == args.login, "the upload is for the signed-in user by default")
        browser.element("#health-file").send_keys(os.path.abspath(args.health_export))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        result = browser.wait(lambda _: form.get_attribute("data-result"), "the upload never finished", timeout=60)
        status = browser.element("#upload-status").text
        browser.check(result == "succeeded", "the upload %s: %r" % (result, status))
        progress = browser.element("#upload-progress")
        browser.check(progress.get_attribute("value") == "100" and progress.is_displayed(),
                      "the progress bar is full")
        if args.workouts is not None:
            browser.check("%d workouts" % args.workouts in status,
                          "the status names the manifest's %d workouts: %r" % (args.workouts, status))
        browser.screenshot("upload.png")

    browser.step("sign-out")
    browser.element("form[action='/sign-out'] button[type=submit]")
    browser.submit("form[action='/sign-out']")
    browser.wait_for_path("/sign-in")
    browser.go("/entries")
    browser.wait_for_path("/sign-in")
    browser.check(True, "signed out, /entries sends to the sign-in form")

    browser.step("wrong-password")
    browser.sign_in(args.login, args.password + "-wrong", expect_success=False)
    refusal = browser.element("#sign-in-error")
    browser.check(browser.path() == "/sign-in", "a wrong password stays on the sign-in form")
    browser.check(browser.response_status() == 401, "a wrong password answers 401 (got %s)" % browser.response_status())
    browser.check("do not match" in refusal.text, "the sign-in error says why: %r" % refusal.text)
    browser.screenshot("sign-in-error.png")

    browser.step("sign-in-again")
    # The form keeps the login; type both again anyway, as a person would.
    browser.fill("#sign-in-form", {"login": args.login, "password": args.password})
    browser.submit("#sign-in-form")
    # next=/entries was carried through the failed attempt.
    browser.wait(lambda d: urlsplit(d.current_url).path in ("/", "/entries"), "the right password did not sign in")
    browser.check(browser.elements("#sign-in-error") == [], "the right password signs in (at %s)" % browser.path())
    browser.go("/")
    browser.element("#week-chart svg")

    browser.step("dutch")
    browser.go("/language/nl?back=/")
    browser.wait_for_path("/")
    browser.element("#week-chart svg")
    labels = nav_labels(browser)
    browser.check("Overzicht" in labels, "the navigation is Dutch: %s" % labels)
    browser.check(browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl", "<html lang=nl>")
    browser.wait_indicator("on, labelled in Dutch", lambda classes, state, auto, title:
                           "sync-idle" in classes and title.startswith("Auto-sync aan"))
    browser.screenshot("overview-nl.png")
    browser.go("/language/en?back=/")
    browser.wait_for_path("/")
    browser.check("Overview" in nav_labels(browser), "and back to English")


def sync_error(browser, args):
    browser.step("sign-in")
    browser.go("/")
    browser.sign_in(args.login, args.password)

    browser.step("error")
    classes, state, auto, title = browser.wait_indicator(
        "error (sync-error)", lambda classes, state, *_: "sync-error" in classes and state == "error", timeout=20)
    lines = title.split("\n")
    browser.check(lines[0] == "Last sync failed", "the tooltip starts with the failure: %r" % lines[0])
    if args.expect_error:
        browser.check(args.expect_error in title, "the tooltip gives the reason %r: %r" % (args.expect_error, title))
    browser.check(len(lines) > 1 and lines[1].strip() != "" and not lines[1].startswith("Last sync"),
                  "the reason follows the label: %r" % lines[1:2])
    details = browser.hover_indicator()
    if args.expect_error:
        browser.check(args.expect_error in details.text, "hovering shows the reason")
    browser.screenshot("error.png")
    browser.unhover()

    browser.step("integrations-error")
    browser.go("/integrations")
    problem = browser.element('#sources-table tr[data-source="toggl"] .problem')
    if args.expect_error:
        browser.check(args.expect_error in problem.text, "the sources table shows the reason: %r" % problem.text)
    browser.screenshot("integrations-error.png", full_page=True)


SCENARIOS = {"unconfigured": unconfigured, "configured": configured, "error": sync_error}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--base-url", default=os.environ.get("TALLY_BASE_URL"))
    parser.add_argument("--artefacts", default=os.environ.get("TALLY_ARTEFACTS"))
    parser.add_argument("--health-export", default=os.environ.get("TALLY_HEALTH_EXPORT"))
    parser.add_argument("--workouts", type=int, help="the export's workout count, from its manifest")
    parser.add_argument("--login", default="ada")
    parser.add_argument("--password", default="correct-horse-battery")
    parser.add_argument("--expect-error", help="text the failed sync's reason must contain")
    args = parser.parse_args()
    if not args.base_url or not args.artefacts:
        parser.error("--base-url and --artefacts (or TALLY_BASE_URL and TALLY_ARTEFACTS) are required")
    os.makedirs(args.artefacts, exist_ok=True)

    started = time.monotonic()
    browser = None
    try:
        browser = Browser(args.base_url, args.artefacts)
        SCENARIOS[args.scenario](browser, args)
        browser.step("script-errors")
        errors = browser.uncaught_script_errors()
        browser.check(errors == [], "the dashboard's script raised no uncaught errors %s" % errors)
    except CheckFailed as failure:
        if browser is None:
            print("%s: FAILED: %s" % (PREFIX, failure), flush=True)
        else:
            browser.failure(str(failure))
        return 1
    except Exception as failure:  # an exception in the script or the browser (WebDriverException)
        message = "%s: %s" % (type(failure).__name__, failure)
        if browser is None:
            print("%s: FAILED starting the browser: %s" % (PREFIX, message), flush=True)
        else:
            browser.failure(message)
        traceback.print_exc()
        return 1
    finally:
        if browser is not None:
            try:
                browser.driver.quit()
            except Exception as problem:
                print("%s: quitting the browser failed: %s" % (PREFIX, problem), flush=True)
    print("%s: %s passed in %.1fs" % (PREFIX, args.scenario, time.monotonic() - started), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
