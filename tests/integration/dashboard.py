#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The dashboard in a real headless browser (tests/integration/dashboard.sh).

Usage: dashboard.py --url http://127.0.0.1:PORT --work DIR --shot FILE.png
                    [--token-file FILE]

Loads the page in headless chromium (chromium-driver, python3-selenium)
while traffic runs and waits for live updates (at least 2, a non-zero
message rate, PACKET_IN in the type chart); writes DIR/dash.live, waits for
DIR/dash.quiet (the runner stopped the traffic and ofxdp's counters are
stable), then checks that what the page shows equals REST's documents read
just before and after: total messages in and out, every switch's row
(datapath_id, state, msgs in and out), the events (the disconnect's
switch_disconnected among them), rates back to 0, the capture mode;
clicks the switch's row (selected, the subtype view scoped to it and equal
to REST's subtypes of its PACKET_INs), sorts the table by a header both
ways, saves a screenshot, and fails on any SEVERE browser console entry.
With --token-file the page is opened with #token=TOKEN and REST must
refuse the counters without it. Exit status 0 when every check passed;
one "dashboard: ..." line per check on stdout.
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

DEADLINE = time.monotonic() + 75


class Failed(Exception):
    pass


def say(msg):
    print("dashboard: " + msg, flush=True)


def check(ok, msg):
    if not ok:
        raise Failed(msg)
    say("ok: " + msg)


def rest(base, path, token):
    req = urllib.request.Request(base + path)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=3) as r:
        return json.load(r)


def counts(doc):
    """@doc without rates, times and latency windows (they move while counts stand)."""
    if isinstance(doc, dict):
        return {k: counts(v) for k, v in doc.items()
                if not k.endswith("_per_s") and k not in ("last_seen", "first_seen", "latency")}
    if isinstance(doc, (list, tuple)):
        return [counts(v) for v in doc]
    return doc


def diff(a, b, path=""):
    """The paths where @a and @b differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [x for k in sorted(set(a) | set(b)) for x in diff(a.get(k), b.get(k), path + "/" + str(k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [x for i, (u, v) in enumerate(zip(a, b)) for x in diff(u, v, "%s[%d]" % (path, i))]
    return [] if a == b else ["%s: %s -> %s" % (path, a, b)]


def http_status(base, path):
    try:
        with urllib.request.urlopen(base + path, timeout=3) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def wait(what, cond, timeout):
    end = min(time.monotonic() + timeout, DEADLINE)
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise Failed("timed out waiting for " + what)


def number(text):
    return float(text.replace(",", ""))


def updates(d):
    return int(d.execute_script("return document.body.dataset.updates || '0'"))


def browser(tmp):
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=1366,768",
              "--no-first-run", "--user-data-dir=" + os.path.join(tmp, "profile")):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def live_phase(d):
    wait("2 updates", lambda: updates(d) >= 2, 20)
    wait("a non-zero message rate in the header",
         lambda: d.find_element(By.ID, "rate-in").text not in ("–", "")
         and number(d.find_element(By.ID, "rate-in").text) > 0, 20)
    peak = d.execute_script("""
        const c = Chart.getChart('chart-types');
        const ds = c.data.datasets.find((x) => x.label === 'in OFPT_PACKET_IN');
        return ds ? Math.max(...ds.data.map((v) => v || 0)) : -1;""")
    check(peak > 0, "type chart: in OFPT_PACKET_IN peaks at %.1f msgs/s" % peak)
    n = updates(d)
    wait("2 more updates", lambda: updates(d) >= n + 2, 10)
    def row_rates(key):
        return [number(td.text) for td in d.find_elements(
            By.CSS_SELECTOR, '#switches tbody td[data-key="%s"]' % key) if td.text not in ("–", "")]
    wait("a switch row's msgs/s and PACKET_IN/s above 0",
         lambda: any(r > 0 for r in row_rates("rate")) and any(r > 0 for r in row_rates("pin_rate")), 20)
    say("live: %d updates" % updates(d))


def shown(d):
    """What the page shows: totals and switch rows."""
    rows = {}
    for tr in d.find_elements(By.CSS_SELECTOR, "#switches tbody tr"):
        cells = {td.get_attribute("data-key"): td.text
                 for td in tr.find_elements(By.TAG_NAME, "td")}
        rows[tr.get_attribute("data-id")] = cells
    events = []
    for tr in d.find_elements(By.CSS_SELECTOR, "#events tbody tr"):
        td = [x.text for x in tr.find_elements(By.TAG_NAME, "td")]
        events.append([tr.get_attribute("data-id"), td[1], td[2].split(" (")[0], td[3]])
    return {
        "events": events,
        "in": number(d.find_element(By.ID, "total-in").text),
        "out": number(d.find_element(By.ID, "total-out").text),
        "rate_in": d.find_element(By.ID, "rate-in").text,
        "rows": rows,
        "updates": updates(d),
    }


def read_rest(base, token):
    return (rest(base, "/get_of_counts", token), rest(base, "/api/v1/switches", token),
            rest(base, "/api/v1/events?eventID=0&maxEvents=50&timeout=0", token))


def compare_phase(d, base, token):
    for attempt in range(3):
        before = read_rest(base, token)
        n = updates(d)
        wait("2 updates after the REST read", lambda: updates(d) >= n + 2, 10)
        page = shown(d)
        after = read_rest(base, token)
        if counts(before) == counts(after):
            break
        say("REST changed during the comparison (attempt %d): %s" % (
            attempt + 1, "; ".join(diff(counts(before), counts(after)))[:600]))
    else:
        raise Failed("REST never stable across two page updates")
    tot, sws, evs = after
    say("REST: in %d, out %d msgs; %d switch(es); page: in %d, out %d, rate in %s" % (
        tot["OF_in_counts"][0], tot["OF_out_counts"][0], len(sws["switches"]),
        page["in"], page["out"], page["rate_in"]))
    check(page["in"] == tot["OF_in_counts"][0] and page["out"] == tot["OF_out_counts"][0],
          "total messages in/out shown equal /get_of_counts")
    check(number(page["rate_in"]) == 0, "rate in is 0 once the counters stopped")
    check(len(sws["switches"]) >= 1, "REST lists a switch (traffic happened)")
    check(set(page["rows"]) == {s["id"] for s in sws["switches"]},
          "switch rows are REST's switches: %s" % sorted(page["rows"]))
    for s in sws["switches"]:
        row = page["rows"][s["id"]]
        want = {
            "datapath_id": s["datapath_id"] or s["address"],
            "state": "connected" if s["connections_open"] > 0 else "disconnected",
            "msgs_in": s["in"]["msgs"],
            "msgs_out": s["out"]["msgs"],
        }
        got = {
            "datapath_id": row["datapath_id"],
            "state": row["state"],
            "msgs_in": number(row["msgs_in"]),
            "msgs_out": number(row["msgs_out"]),
        }
        check(got == want, "row %s: %s" % (s["id"], want))
        # rates: ofxdp's own (the switch views'), as the page rounds them
        rest_rate = s["in"]["msgs_per_s"] + s["out"]["msgs_per_s"]
        rest_pin = sum(v.get("in", {}).get("OFPT_PACKET_IN", {}).get("msgs_per_s", 0)
                       for v in s["versions"].values())
        for key, r in (("rate", rest_rate), ("pin_rate", rest_pin)):
            check(abs(number(row[key]) - r) <= (0.051 if r < 10 else 0.51),
                  "row %s: %s shown %s, REST %.3f" % (s["id"], key, row[key], r))
        check(s["in"]["msgs"] >= 20, "switch %s sent %d messages (>= 20)" % (s["id"], s["in"]["msgs"]))
    events = evs["events"]
    check(any(e["threshold"] == "switch_disconnected" and e["state"] == "raised" for e in events),
          "REST has the switch_disconnected event of the disconnect")
    want = [[str(e["eventID"]), e["state"], e["threshold"], e["switch"] or "all"] for e in events]
    check(page["events"] == want, "events shown (newest first) are REST's: %s" % want)
    return sws["switches"][0]


def click_phase(d, sw):
    sid = sw["id"]
    d.find_element(By.CSS_SELECTOR, '#switches tbody tr[data-id="%s"]' % sid).click()
    wait("the row selected", lambda: "selected" in d.find_element(
        By.CSS_SELECTOR, '#switches tbody tr[data-id="%s"]' % sid).get_attribute("class"), 5)
    scope = wait("the subtype view scoped to the switch",
                 lambda: d.find_element(By.ID, "subtype-scope").text.startswith(sid)
                 and d.find_element(By.ID, "subtype-scope").text, 5)
    check(True, "clicked row %s: subtype view says '%s'" % (sid, scope))
    check(d.find_element(By.ID, "type-select").get_attribute("value") == "in OFPT_PACKET_IN",
          "the subtype view shows in OFPT_PACKET_IN")
    want = {}
    for v in sw["versions"].values():
        for k, x in v.get("in", {}).get("OFPT_PACKET_IN", {}).get("subtypes", {}).items():
            want[k] = want.get(k, 0) + x["msgs"]
    got = d.execute_script("""
        const c = Chart.getChart('chart-subtypes');
        const o = {};
        c.data.labels.forEach((l, i) => { o[l] = c.data.datasets[0].data[i]; });
        return o;""")
    check(want and got == want, "subtype chart %s equals REST's" % got)
    # clicked again: all switches
    d.find_element(By.CSS_SELECTOR, '#switches tbody tr[data-id="%s"]' % sid).click()
    wait("the view back to all switches",
         lambda: d.find_element(By.ID, "subtype-scope").text.startswith("all switches"), 5)
    d.find_element(By.CSS_SELECTOR, '#switches tbody tr[data-id="%s"]' % sid).click()
    wait("selected again", lambda: d.find_element(By.ID, "subtype-scope").text.startswith(sid), 5)
    th = d.find_element(By.CSS_SELECTOR, '#switches th[data-key="msgs_in"]')
    th.click()
    check("asc" in th.get_attribute("class"), "msgs in header sorts ascending")
    th.click()
    check("desc" in th.get_attribute("class"), "and descending on a second click")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--shot", required=True)
    ap.add_argument("--token-file")
    a = ap.parse_args()
    token = open(a.token_file).read().strip() if a.token_file else None
    tmp = tempfile.mkdtemp(dir=a.work)
    d = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if token:
            check(http_status(a.url, "/api/v1/stats") == 401, "REST refuses the counters without the token")
            check(http_status(a.url, "/") == 200, "the page itself needs no token")
        d = browser(tmp)
        d.set_page_load_timeout(15)
        d.get(a.url + "/" + ("#token=" + token if token else ""))
        say("loaded %s (chromium %s)" % (a.url, d.capabilities.get("browserVersion")))
        live_phase(d)
        if token:
            check(d.execute_script("return location.hash") == "", "the token left the address bar")
        open(os.path.join(a.work, "dash.live"), "w").close()
        wait("the runner's dash.quiet",
             lambda: os.path.exists(os.path.join(a.work, "dash.quiet")), 60)
        sw = compare_phase(d, a.url, token)
        stats = rest(a.url, "/api/v1/stats", token)
        wait("the health panel", lambda: d.find_element(By.ID, "capture").text.startswith(stats["mode"] + " on "), 10)
        check(True, "capture shown as '%s'" % d.find_element(By.ID, "capture").text)
        lat = d.execute_script("""
            return Chart.getChart('chart-latency').data.datasets.map((d) => d.data.filter((v) => v !== null).length);""")
        check(min(lat) > 0, "latency chart has points (p50/p90/p99: %s)" % lat)
        click_phase(d, sw)
        d.save_screenshot(a.shot)
        say("screenshot: " + a.shot)
        logs = d.get_log("browser")
        for e in logs:
            say("console %s: %s" % (e.get("level"), e.get("message")))
        severe = [e for e in logs if e.get("level") == "SEVERE"]
        check(not severe, "no SEVERE console entry (%d entries in all)" % len(logs))
    except Failed as e:
        say("FAILED: %s" % e)
        if d:
            try:
                d.save_screenshot(a.shot)
                for e2 in d.get_log("browser"):
                    say("console %s: %s" % (e2.get("level"), e2.get("message")))
            except Exception:
                pass
        return 1
    finally:
        if d:
            d.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
