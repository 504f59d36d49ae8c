#!/usr/bin/env python3
"""Writes N customers in ecrm's import columns, every one with an address and e-mail consent,
for the messaging benchmark: generate.py OUT.csv N. Half write English, half Chinese; one in
97 is tagged vip. Deterministic."""
import csv
import sys


def main():
    out = sys.argv[1]
    customers = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name", "email", "city", "language", "tags", "email_consent"])
        for c in range(customers):
            w.writerow([f"M{c:07d}", f"Customer {c}", f"m{c}@example.com", f"City {c % 300}",
                        "en" if c % 2 else "zh-CN", "vip" if c % 97 == 0 else "", "yes"])


if __name__ == "__main__":
    main()
