"""The replay endpoints' protocol shared by the 115 and the outreach (core.offline.replay): one result
per record, its client_id carried over; an unreadable sending is a 400 and nothing is handled."""

import json

from django.test import RequestFactory

from parcours.core import offline


def _post(body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return RequestFactory().post("/replay/", raw, content_type="application/json")


def test_each_record_gets_one_result_with_its_client_id():
    seen = []

    def each(record):
        seen.append(record)
        return {"status": "recorded" if record.get("n") else "refused"}

    records = [{"client_id": "a", "n": 1}, "not a record", {"n": 0}]
    response = offline.replay(_post({"records": records}), each)
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "results": [
            {"client_id": "a", "status": "recorded"},
            {"client_id": "", "status": "refused"},
            {"client_id": "", "status": "refused"},
        ]
    }
    assert seen == [{"client_id": "a", "n": 1}, {}, {"n": 0}]


def test_an_unreadable_sending_is_refused_whole():
    def each(record):
        raise AssertionError("nothing is handled")

    for body in (b"not json", [1, 2], {"records": []}, {"records": {"a": 1}}, {"records": [{}] * 3}):
        response = offline.replay(_post(body), each, limit=2)
        assert response.status_code == 400, body
        assert json.loads(response.content)["error"]["code"] == "invalid"
