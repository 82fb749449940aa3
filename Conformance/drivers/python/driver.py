"""Client-conformance driver for the upstream Python SDK (`runcycles` on PyPI).

Reads one scenario's steps as JSON on standard input, performs them through the SDK's public API (the
``@cycles`` decorator and ``CyclesClient.decide``) and prints one JSON result on standard output. The contract
is defined in Conformance/README.md ("Client conformance"). The configuration comes from the environment
(CYCLES_BASE_URL, CYCLES_API_KEY, CYCLES_TENANT, CYCLES_JOURNAL_DIR) through ``CyclesConfig.from_env``, as
an application would configure the SDK.

Run: ``cycles conformance client --driver "$PYTHON" Conformance/drivers/python/driver.py``
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version

import runcycles
from runcycles import CyclesClient, CyclesConfig, cycles


class DriverBodyError(Exception):
    """The error a guarded body raises on purpose ("body": "throw")."""


# Typed errors of the SDK, most specific first, mapped to the contract's error kinds.
ERROR_KINDS = [
    (runcycles.BudgetExceededError, "budget_exceeded"),
    (runcycles.DebtOutstandingError, "debt_outstanding"),
    (runcycles.OverdraftLimitExceededError, "overdraft_limit_exceeded"),
    (runcycles.ReservationExpiredError, "reservation_expired"),
    (runcycles.ReservationFinalizedError, "reservation_finalized"),
    (runcycles.CyclesProtocolError, "protocol"),
    (runcycles.CyclesTransportError, "transport"),
]


def describe(error: BaseException) -> dict:
    if isinstance(error, DriverBodyError):
        return {"kind": "body_error", "type": "DriverBodyError", "message": str(error)}
    kind = "other"
    for cls, name in ERROR_KINDS:
        if isinstance(error, cls):
            kind = name
            break
    described = {"kind": kind, "type": type(error).__name__, "message": str(error)[:500]}
    if kind == "protocol" and getattr(error, "status", 0) == -1:
        described["kind"] = "transport"
    code = getattr(error, "error_code", None)
    if code:
        described["code"] = code
    reason_code = getattr(error, "reason_code", None)
    if reason_code:
        described["reason_code"] = reason_code
    request_id = getattr(error, "request_id", None)
    if request_id:
        described["request_id"] = request_id
    return described


def caps_json(caps) -> dict | None:
    return None if caps is None else caps.model_dump(exclude_none=True)


def guarded(step: dict, client: CyclesClient) -> dict:
    seen: dict = {}

    @cycles(
        estimate=step.get("estimate", 1000),
        actual=step.get("actual", step.get("estimate", 1000)),
        unit=step.get("unit", "TOKENS"),
        action_kind=step.get("action_kind", "llm.completion"),
        action_name=step.get("action_name", "conformance"),
        ttl_ms=step.get("ttl_ms", 60_000),
        dry_run=step.get("dry_run", False),
        client=client,
    )
    def body() -> str:
        context = runcycles.get_cycles_context()
        if context is not None:
            seen["decision"] = str(getattr(context.decision, "value", context.decision))
            seen["caps"] = caps_json(context.caps)
        if step.get("hold_ms", 0) > 0:
            time.sleep(step["hold_ms"] / 1000)
        if step.get("body") == "throw":
            raise DriverBodyError("the guarded body failed on purpose")
        return "done"

    value = body()
    if step.get("dry_run"):
        # The decorator returns a DryRunResult instead of running the body.
        decision = getattr(value, "decision", None)
        return {
            "status": "ok",
            "decision": str(getattr(decision, "value", decision)),
            "caps": caps_json(getattr(value, "caps", None)),
            "reason_code": getattr(value, "reason_code", None),
        }
    return {"status": "ok", "value": value, **seen}


def decide(step: dict, client: CyclesClient, config: CyclesConfig) -> dict:
    response = client.decide(
        {
            "idempotency_key": str(uuid.uuid4()),
            "subject": {"tenant": config.tenant},
            "action": {
                "kind": step.get("action_kind", "llm.completion"),
                "name": step.get("action_name", "conformance"),
            },
            "estimate": {"unit": step.get("unit", "TOKENS"), "amount": step.get("estimate", 1000)},
        }
    )
    if not response.is_success:
        return {"status": "error", "error": {"kind": "protocol", "type": "CyclesResponse", "message": str(response.status)}}
    return {
        "status": "ok",
        "decision": response.get_body_attribute("decision"),
        "caps": response.get_body_attribute("caps"),
        "reason_code": response.get_body_attribute("reason_code"),
    }


def outcome(step: dict, client: CyclesClient, config: CyclesConfig) -> dict:
    try:
        op = step.get("op", "guarded")
        if op == "guarded":
            return guarded(step, client)
        if op == "decide":
            return decide(step, client, config)
        return {"status": "error", "error": {"kind": "unsupported", "message": f"unknown op {op}"}}
    except BaseException as error:  # noqa: BLE001 - every outcome is reported, never a crash
        return {"status": "error", "error": describe(error)}


def main() -> None:
    sdk = f"runcycles {version('runcycles')}"
    try:
        scenario = json.load(sys.stdin)
        config = CyclesConfig.from_env()
        client = CyclesClient(config)
        results = []
        for step in scenario.get("steps", []):
            count = max(1, int(step.get("concurrency", 1)))
            if count == 1:
                outcomes = [outcome(step, client, config)]
            else:
                with ThreadPoolExecutor(max_workers=count) as pool:
                    outcomes = list(pool.map(lambda _: outcome(step, client, config), range(count)))
            results.append({"op": step.get("op", "guarded"), "outcomes": outcomes})
        print(json.dumps({"sdk": sdk, "steps": results}), flush=True)
    except BaseException as error:  # noqa: BLE001
        print(json.dumps({"sdk": sdk, "driver_error": repr(error)}), flush=True)


if __name__ == "__main__":
    main()
