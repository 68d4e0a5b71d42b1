"""The OpenAPI document lists the query parameters of the measurement routes.

`/docs` and `/openapi.json` showed `GET /api/v1/output` (and status, outlets/status,
silences, trend, supporters, platforms, findings) with no parameter at all: the endpoints
read the command's options from the query themselves, so a reader of /docs, or a client
generated from the document, did not learn `by`, `every`, `from`, `outlet` ... (the
README says the API takes the command's options as snake_case query parameters).
"""

from __future__ import annotations

from pathlib import Path

from mutewatch.web.app import create_app


def test_the_output_route_lists_its_query_parameters(demo_copy: Path) -> None:
    spec = create_app(demo_copy, moderation=False).openapi()
    names = {p["name"] for p in spec["paths"]["/api/v1/output"]["get"].get("parameters", [])}
    assert {"by", "every", "outlet", "of", "from", "to"} <= names, sorted(names)


def test_each_measurement_route_documents_its_command_options(demo_copy: Path) -> None:
    """Type, required, enum (a click Choice) and help, by the name the query sends; the
    CLI-only options (engine, store, json) are not offered."""
    spec = create_app(demo_copy, moderation=False).openapi()

    def params(path: str) -> dict[str, dict[str, object]]:
        return {p["name"]: p for p in spec["paths"][path]["get"].get("parameters", [])}

    output = params("/api/v1/output")
    assert output["by"]["schema"]["enum"] == ["outlet", "medium", "platform", "host", "official"]
    assert output["of"]["schema"] == {
        "type": "string",
        "enum": ["official", "supporter", "all"],
        "default": "official",
    }
    assert output["outlet"]["schema"]["type"] == "array"
    assert output["include_forwards"]["schema"]["type"] == "boolean"
    assert output["from"]["description"] and output["from"]["in"] == "query"
    assert not {"engine", "json", "as_json", "store", "parquet", "spark_master"} & set(output)
    status = params("/api/v1/outlets/status")
    assert status["baseline"]["required"] is True and status["period"]["required"] is True
    assert status["silenced_below"]["schema"]["type"] == "number"
    silences = params("/api/v1/silences")
    assert silences["min_hours"]["schema"]["type"] == "number"
    assert "--" not in str(silences["outlet"]["description"]), silences["outlet"]
    for path in ("trend", "supporters", "platforms", "findings"):
        assert {"of", "from", "to"} <= set(params(f"/api/v1/{path}")), path
