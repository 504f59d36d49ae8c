#!/usr/bin/env python3
"""Writes products.csv, customers.csv and orders.csv in ecrm's import columns for the history
benchmark: CUSTOMERS customers with ORDERS orders between them, and one more customer (external id
HIST-1) with HEAVY orders spread evenly among the others over the same two years, in time order,
so that its order ids and times interleave with everyone else's as they would in a shop. Every
order has one line and a status after `placed` (with its time), so it brings two status changes:
HEAVY = 25,000 gives that customer 50,000 timeline entries. Deterministic for a given seed.

Usage: generate.py OUT_DIR CUSTOMERS ORDERS HEAVY [SEED]"""
import csv
import random
import sys
from datetime import datetime, timedelta, timezone


def main():
    out, customers, orders, heavy = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 7)
    products = 200
    with open(f"{out}/products.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sku", "name", "category", "price", "currency"])
        for p in range(products):
            w.writerow([f"SKU{p:04d}", f"Product {p}", f"Category {p % 10}", 199 + p * 37 % 9800, "USD"])
    with open(f"{out}/customers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name", "email", "city"])
        w.writerow(["HIST-1", "Hilda History", "hilda@history.example", "Shanghai"])
        for c in range(customers):
            w.writerow([f"C{c:07d}", f"Customer {c}", f"c{c}@example.com", f"City {c % 300}"])
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    seconds = 2 * 365 * 86400
    total = orders + heavy
    statuses = ["delivered"] * 6 + ["shipped", "paid", "cancelled"]
    with open(f"{out}/orders.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "customer_external_id", "placed_at", "status", "status_at",
                    "currency", "sku", "quantity", "unit_price"])
        for o in range(total):
            placed = start + timedelta(seconds=o * seconds // total)
            # Every (total / heavy)-th order is the heavy customer's.
            mine = heavy and (o * heavy) // total != ((o + 1) * heavy) // total
            customer = "HIST-1" if mine else f"C{rng.randrange(customers):07d}"
            status = statuses[rng.randrange(len(statuses))]
            status_at = placed + timedelta(hours=rng.randint(1, 96))
            p = rng.randrange(products)
            w.writerow([f"O{o:08d}", customer, placed.strftime("%Y-%m-%dT%H:%M:%SZ"), status,
                        status_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "USD", f"SKU{p:04d}",
                        rng.randint(1, 3), 199 + p * 37 % 9800])


if __name__ == "__main__":
    main()
