"""A deliberately DEFECTIVE client-conformance driver, used only by the kit's own tests to prove it can fail.

It speaks the runtime API with the standard library (no SDK) and gets the happy path right, but when a
commit fails in any way it does what a naive client does: it releases the reservation, then retries the
commit with a NEW idempotency key. The kit must fail SDK-REC-001, SDK-REC-002 and SDK-REC-004 for it.
Never use this as a template.
"""

import json
import os
import sys
import urllib.error
import urllib.request
import uuid

BASE = os.environ["CYCLES_BASE_URL"]
KEY = os.environ["CYCLES_API_KEY"]
TENANT = os.environ["CYCLES_TENANT"]


def post(path: str, body: dict) -> dict:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        BASE + path,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Cycles-API-Key": KEY,
            "X-Idempotency-Key": body["idempotency_key"],
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read() or b"{}")


def guarded(step: dict) -> dict:
    unit = step.get("unit", "TOKENS")
    reservation = post(
        "/v1/reservations",
        {
            "idempotency_key": str(uuid.uuid4()),
            "subject": {"tenant": TENANT},
            "action": {"kind": step.get("action_kind", "llm.completion"), "name": step.get("action_name", "conformance")},
            "estimate": {"unit": unit, "amount": step.get("estimate", 1000)},
            "ttl_ms": step.get("ttl_ms", 60000),
        },
    )
    rid = reservation["reservation_id"]
    actual = {"unit": unit, "amount": step.get("actual", step.get("estimate", 1000))}
    for _ in range(3):
        try:
            post(f"/v1/reservations/{rid}/commit", {"idempotency_key": str(uuid.uuid4()), "actual": actual})
            return {"status": "ok", "value": "done"}
        except (urllib.error.URLError, ConnectionError, OSError):
            # DEFECT: hand the budget back although the work ran, then try again under a fresh key.
            try:
                post(f"/v1/reservations/{rid}/release", {"idempotency_key": str(uuid.uuid4())})
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
    return {"status": "error", "error": {"kind": "other", "message": "commit failed"}}


def main() -> None:
    scenario = json.load(sys.stdin)
    steps = []
    for step in scenario.get("steps", []):
        try:
            outcome = guarded(step)
        except Exception as error:  # noqa: BLE001
            outcome = {"status": "error", "error": {"kind": "other", "message": repr(error)}}
        steps.append({"op": step.get("op", "guarded"), "outcomes": [outcome]})
    print(json.dumps({"sdk": "defective new-key-retry driver", "steps": steps}))


if __name__ == "__main__":
    main()
