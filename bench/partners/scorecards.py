#!/usr/bin/env python3
"""The client side of bench/partners/run.sh.

  scorecards.py fetch-all BASE_URL KEY OUT.json
      GET /api/v1/partner-scorecards: every partner's scorecard in one request; writes them as a
      JSON list and prints the seconds taken (the request only).
  scorecards.py fetch BASE_URL KEY IDS_FILE OUT.json
      GET /api/v1/partners/{id}/scorecard for every id in IDS_FILE (one per line), one after the
      other on one kept-alive connection; writes the scorecards as a JSON list and prints the
      seconds taken (the requests only).
  scorecards.py compare ECRM.json SQL.csv
      compares ecrm's scorecards with the SQL statement's rows (scorecards.sql, '|'-separated):
      counts and money exactly, rates within 1e-4, days within 1e-3. Prints the number of
      partners compared and exits 1 on a difference, naming the first few.
"""
import http.client
import json
import sys
import time
import urllib.parse

COLUMNS = ["partner_id", "lines", "shipped_lines", "on_time_lines", "on_time_rate",
           "lead_time_median_days", "lead_time_p90_days", "units", "returned_units",
           "defective_units", "return_rate", "defect_rate", "revenue", "cost", "margin"]
TOLERANCE = {"on_time_rate": 1e-4, "return_rate": 1e-4, "defect_rate": 1e-4,
             "lead_time_median_days": 1e-3, "lead_time_p90_days": 1e-3}


def fetch(base, key, ids_file, out):
    ids = [int(line) for line in open(ids_file) if line.strip()]
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=3600)
    headers = {"Authorization": "Bearer " + key}
    cards = []
    start = time.monotonic()
    for partner_id in ids:
        conn.request("GET", f"/api/v1/partners/{partner_id}/scorecard", headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(f"partner {partner_id}: HTTP {response.status} {body[:300]!r}")
        cards.append(json.loads(body))
    elapsed = time.monotonic() - start
    with open(out, "w") as f:
        json.dump(cards, f)
    print(f"{elapsed:.3f}")


def fetch_all(base, key, out):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=7200)
    start = time.monotonic()
    conn.request("GET", "/api/v1/partner-scorecards", headers={"Authorization": "Bearer " + key})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.monotonic() - start
    if response.status != 200:
        sys.exit(f"partner-scorecards: HTTP {response.status} {body[:300]!r}")
    with open(out, "w") as f:
        json.dump(json.loads(body)["items"], f)
    print(f"{elapsed:.3f}")


def number(text):
    if text == "":
        return None
    return float(text) if any(c in text for c in ".eE") else int(text)


def compare(ecrm_file, sql_file):
    ecrm = {c["partner_id"]: c for c in json.load(open(ecrm_file)) if c["lines"] > 0}
    sql = {}
    for line in open(sql_file):
        if line.strip():
            row = dict(zip(COLUMNS, map(number, line.rstrip("\n").split("|"))))
            sql[row["partner_id"]] = row
    differences = []
    if ecrm.keys() != sql.keys():
        differences.append(f"partners with lines: ecrm {len(ecrm)}, SQL {len(sql)}")
    for partner_id in sorted(ecrm.keys() & sql.keys()):
        for column in COLUMNS:
            a, b = ecrm[partner_id].get(column), sql[partner_id][column]
            same = (a is None and b is None) or (
                a is not None and b is not None and
                (abs(a - b) <= TOLERANCE[column] + 1e-9 if column in TOLERANCE else a == b))
            if not same:
                differences.append(f"partner {partner_id} {column}: ecrm {a}, SQL {b}")
    if differences:
        print("\n".join(differences[:10]), file=sys.stderr)
        sys.exit(f"{len(differences)} differences between ecrm's scorecards and the SQL")
    print(len(ecrm))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "fetch-all":
        fetch_all(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "fetch":
        fetch(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(*sys.argv[2:])
    else:
        sys.exit(__doc__)
