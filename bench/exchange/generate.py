#!/usr/bin/env python3
"""Writes customers.csv, products.csv and orders.csv in ecrm's import columns, for the import and
export benchmark: N orders (1 to 4 lines each, 2.5 on average) over N/10 customers and 2,000
products. Deterministic for a given seed."""
import csv
import random
import sys
from datetime import datetime, timedelta, timezone

def main():
    out = sys.argv[1]
    orders = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    customers = max(1, orders // 10)
    products = 2000
    with open(f"{out}/products.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sku", "name", "category", "brand", "price", "cost", "currency", "stock_on_hand"])
        for p in range(products):
            price = rng.randint(199, 99999)
            w.writerow([f"SKU{p:05d}", f"Product {p}", f"Category {p % 20} > Sub {p % 7}",
                        f"Brand {p % 50}", price, price // 2, "USD", rng.randint(0, 500)])
    with open(f"{out}/customers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name", "email", "city", "type", "tags", "email_consent"])
        for c in range(customers):
            w.writerow([f"C{c:07d}", f"Customer {c}", f"c{c}@example.com", f"City {c % 300}",
                        "business" if c % 17 == 0 else "home", "vip" if c % 97 == 0 else "",
                        "yes" if c % 3 else "no"])
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    statuses = ["delivered"] * 6 + ["shipped", "paid", "placed", "cancelled"]
    with open(f"{out}/orders.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "customer_external_id", "placed_at", "channel", "status",
                    "status_at", "currency", "discount", "shipping", "sku", "quantity",
                    "unit_price"])
        seconds = 2 * 365 * 86400
        for o in range(orders):
            placed = start + timedelta(seconds=o * seconds // orders)
            status = statuses[rng.randrange(len(statuses))]
            status_at = (placed + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
            placed_text = placed.strftime("%Y-%m-%dT%H:%M:%SZ")
            customer = f"C{rng.randrange(customers):07d}"
            channel = "web" if o % 5 else "app"
            shipping = 500 if o % 4 else 0
            for line in range(rng.choice((1, 2, 2, 3, 3, 4))):
                p = rng.randrange(products)
                w.writerow([f"O{o:08d}", customer, placed_text, channel, status, status_at, "USD",
                            0, shipping, f"SKU{p:05d}", rng.randint(1, 3), 199 + p * 37 % 99800])

if __name__ == "__main__":
    main()
