"""What schemathesis found in the Kubeflow REST face (issue 10): Allow on 405, pageSize bounds
as documented, and refused limits named in the ``{code, message}`` answer."""

from __future__ import annotations

import re

import httpx
import yaml

V1 = "/api/model_registry/v1"


async def test_a_405_lists_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    for path, methods in (
        ("/registered_models", {"GET", "HEAD", "POST"}),
        ("/registered_models/1", {"GET", "HEAD", "PATCH"}),
        ("/registered_model", {"GET", "HEAD"}),
    ):
        response = await client.request("OPTIONS", V1 + path)
        assert response.status_code == 405, (path, response.text)
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert allowed == methods, path
    # Both methods of a merged path still reach their own handler.
    made = await client.post(f"{V1}/registered_models", json={"name": "conformance"})
    assert made.status_code == 201, made.text
    listed = await client.get(f"{V1}/registered_models")
    assert [m["name"] for m in listed.json()["items"]] == ["conformance"]


async def test_page_size_accepts_what_the_document_allows(client: httpx.AsyncClient) -> None:
    document = yaml.safe_load((await client.get(f"{V1}/openapi.yaml")).text)
    page = next(
        p
        for op in document["paths"][V1 + "/registered_models"].values()
        for p in op.get("parameters", [])
        if p["name"] == "pageSize"
    )
    pattern = re.compile(page["schema"]["pattern"])
    for value in ("", "1", "100", "1000", "01", "0", "00", "-1", "+1", " 1", "1_0", "x"):
        response = await client.get(f"{V1}/registered_models", params={"pageSize": value})
        documented = pattern.fullmatch(value) is not None
        assert (response.status_code == 200) == documented, (value, response.text)
        if not documented:
            assert response.status_code == 400 and response.json()["code"] == "INVALID_ARGUMENT"


async def test_a_refused_limit_is_named_in_the_answer(client: httpx.AsyncClient) -> None:
    nested = "[" * 100 + "]" * 100
    response = await client.post(
        f"{V1}/registered_models",
        content=f'{{"name": "deep", "customProperties": {nested}}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_ARGUMENT" and response.json()["limit"] == 64
