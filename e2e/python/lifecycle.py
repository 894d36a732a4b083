"""A statistics request from draft to closed, through a Python client generated
from openapi.yaml alone (openapi-python-client): proof that the contract is enough.

Usage: lifecycle.py BASE_URL APPLICATION_JSON_FILE PASSWORD
"""

import json
import sys
import uuid

from statreq_api_client import AuthenticatedClient, Client
from statreq_api_client.api.auth import login
from statreq_api_client.api.lifecycle import (
    acknowledge_request,
    deliver_request,
    dgpa_decision,
    submit_request,
    supervisor_decision,
    take_request,
    withdraw_request,
)
from statreq_api_client.api.queue import queue_position
from statreq_api_client.api.requests import create_request, export_requests, get_request, list_requests
from statreq_api_client.models import (
    Application,
    Decision,
    DeliverBody,
    DgpaDecision,
    DgpaDecisionBody,
    LoginBody,
    Problem,
    RequestView,
    State,
    SupervisorDecisionBody,
    TakeBody,
)

base, app_file, password = sys.argv[1], sys.argv[2], sys.argv[3]


def signed_in(username: str) -> AuthenticatedClient:
    tokens = login.sync(client=Client(base_url=base), body=LoginBody(username=username, password=password))
    assert not isinstance(tokens, Problem) and tokens is not None, tokens
    return AuthenticatedClient(base_url=base, token=tokens.access_token)


def ok(answer):
    assert isinstance(answer, RequestView), answer
    return answer


def etag(r: RequestView) -> str:
    return f'"{r.version}"'


applicant = signed_in("applicant.npa")
supervisor = signed_in("supervisor.moi")
officer = signed_in("officer1.dgpa")

with open(app_file, encoding="utf-8") as f:
    application = Application.from_dict(json.load(f))

# A retried create with the same Idempotency-Key is the same request.
key, ref = str(uuid.uuid4()), f"PY-{uuid.uuid4().hex[:12]}"
first = create_request.sync_detailed(client=applicant, body=application, external_ref=ref, idempotency_key=key)
again = create_request.sync_detailed(client=applicant, body=application, external_ref=ref, idempotency_key=key)
assert first.status_code == 201 and again.status_code == 201, (first.status_code, first.content)
assert again.headers.get("idempotent-replayed") == "true"
assert first.headers.get("etag") == f'"{first.parsed.version}"' and first.headers.get("location", "").endswith(f"/{first.parsed.id}")
assert first.headers.get("api-version"), first.headers
r = ok(first.parsed)
assert ok(again.parsed).id == r.id
assert r.state == State.DRAFT and r.external_ref == ref

found = list_requests.sync(client=applicant, external_ref=ref)
assert [item.id for item in found.items] == [r.id], found

r = ok(submit_request.sync(r.id, client=applicant, if_match=etag(r)))
assert r.state == State.PENDING_SUPERVISOR
r = ok(supervisor_decision.sync(r.id, client=supervisor, if_match=etag(r), body=SupervisorDecisionBody(decision=Decision.APPROVE)))
assert r.state == State.PENDING_DGPA
r = ok(dgpa_decision.sync(r.id, client=officer, if_match=etag(r), body=DgpaDecisionBody(decision=DgpaDecision.ACCEPT, difficulty=2)))
assert r.state == State.QUEUED
# The body is optional: left out, the officer takes the head of the queue for themself.
# Anything behind it is taken out of order with a reason, recorded (rule 5.3).
position = queue_position.sync(r.id, client=officer).position
skip = TakeBody(skip_reason="示範流程：依序外取件") if position > 1 else None
r = ok(take_request.sync(r.id, client=officer, if_match=etag(r), body=skip))
assert r.state == State.IN_PRODUCTION
r = ok(deliver_request.sync(r.id, client=officer, if_match=etag(r), body=DeliverBody(reply="統計表如附件")))
assert r.state == State.DELIVERED

# A stale If-Match is refused with a problem document, and changes nothing.
stale = acknowledge_request.sync_detailed(r.id, client=applicant, if_match='"1"')
assert stale.status_code == 412 and isinstance(stale.parsed, Problem) and stale.parsed.code == "precondition_failed", stale
r = ok(acknowledge_request.sync(r.id, client=applicant, if_match=etag(r)))
assert r.state == State.CLOSED
assert ok(get_request.sync(r.id, client=applicant)).state == State.CLOSED

# An optional body may be left out: a second draft submitted, then withdrawn without one.
w = ok(create_request.sync(client=applicant, body=application))
w = ok(submit_request.sync(w.id, client=applicant, if_match=etag(w)))
w = ok(withdraw_request.sync(w.id, client=applicant, if_match=etag(w)))
assert w.state == State.WITHDRAWN, w.state

# CSV endpoints are kept by the generator: the export opens in Excel (UTF-8 with BOM).
csv = export_requests.sync_detailed(client=officer)
assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf"), (csv.status_code, csv.content[:40])
assert str(r.id).encode() in csv.content
print(f"request {r.id} closed through the generated client")
