#!/usr/bin/env python3
"""From a new order to that profile's updated predictions through the gateway's API.

Usage: scripts/bench-clv-latency.py <http://host:port> <admin key> <account id> <profile id> [rounds]

Each round sends one `Placed Order` for the profile through `POST /api/v1/accounts/{id}/events`
and polls `GET /api/v1/accounts/{id}/profiles/{id}/clv` until its historic order count has grown,
printing the milliseconds from sending the order to the updated answer. Rounds are 1.1 s apart,
because ingest treats two orders of one profile without unique_id in the same second as the same
order (PRODUCT.md's idempotency rule).
"""
import json
import sys
import time
import urllib.request

base, key, account, profile = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 10


def call(method, path, body=None):
    request = urllib.request.Request(
        base + "/api/v1" + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


email = call("GET", f"/accounts/{account}/profiles/{profile}")["emails"][0]
times = []
for number in range(rounds):
    before = call("GET", f"/accounts/{account}/profiles/{profile}/clv")["historic_orders"]
    start = time.monotonic()
    call("POST", f"/accounts/{account}/events", {
        "metric": "Placed Order", "profile": {"email": email}, "value": "25.00",
        "unique_id": f"latency-{time.time()}", "properties": {"order_id": f"latency-{number}-{time.time()}"}})
    while True:
        after = call("GET", f"/accounts/{account}/profiles/{profile}/clv")
        if after["historic_orders"] > before or time.monotonic() - start > 10:
            break
    elapsed = (time.monotonic() - start) * 1000
    times.append(elapsed)
    print(f"round {number + 1}: {elapsed:.1f} ms (orders {before} -> {after['historic_orders']}, "
          f"predicted CLV {after['predicted_clv']['value']['amount'] if after['predicted_clv'] else 'none'})")
    time.sleep(1.1)
times.sort()
print(f"order -> updated prediction: median {times[len(times) // 2]:.1f} ms, max {times[-1]:.1f} ms over {len(times)} rounds")
