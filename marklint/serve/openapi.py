"""The OpenAPI 3.1 description served at ``/openapi.json`` (docs/api.md says the same in prose)."""

from __future__ import annotations

from marklint import __version__

_ERROR = {"$ref": "#/components/schemas/Error"}
_LOCATION = {
    "type": "object",
    "required": ["page", "part", "line", "bbox"],
    "properties": {
        "page": {"type": ["integer", "null"]},
        "part": {"enum": ["body", "header", "footer", "textbox", "table", "metadata"]},
        "line": {"type": ["integer", "null"]},
        "bbox": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
    },
}
SCHEMAS = {
    "Error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    },
    "Finding": {
        "type": "object", "required": ["rule", "name", "severity", "message", "location"],
        "properties": {
            "rule": {"type": "string", "pattern": "^ML[0-9]{3}$"}, "name": {"type": "string"},
            "severity": {"enum": ["error", "warning", "info"]}, "message": {"type": "string"},
            "location": _LOCATION,
        },
    },
    "Marking": {
        "type": "object", "required": ["text", "level", "term", "scope", "location"],
        "properties": {
            "text": {"type": "string"}, "level": {"type": ["string", "null"]},
            "term": {"type": ["object", "null"]}, "scope": {"type": ["string", "null"]},
            "struck": {"type": "boolean"}, "primary": {"type": "boolean"},
            "expires": {"type": ["string", "null"]}, "expiry_basis": {"type": ["string", "null"]},
            "location": _LOCATION,
        },
    },
    "FileEntry": {
        "description": "The file entry of the JSON contract (version 1) plus the gate's verdict.",
        "type": "object",
        "required": ["path", "format", "status", "reason", "markings", "issue_date", "findings", "verdict"],
        "properties": {
            "path": {"type": "string", "description": "The uploaded file name (folders dropped)."},
            "format": {"type": "string"},
            "status": {"enum": ["complete", "partial", "not-examined"]},
            "reason": {"type": ["string", "null"]},
            "markings": {"type": "array", "items": {"$ref": "#/components/schemas/Marking"}},
            "issue_date": {"type": ["string", "null"], "format": "date"},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "verdict": {"enum": ["pass", "block"]},
            "embedded": {"type": "array", "items": {"$ref": "#/components/schemas/FileEntry"},
                         "description": "Documents embedded in it (attachments, altChunks, embedded packages), "
                                        "paths outer.pdf!/annex.docx; present where there are any."},
        },
    },
    "Batch": {
        "description": "The JSON report (contract version 1) of several documents, each entry with its verdict.",
        "type": "object", "required": ["version", "tool", "as_of", "files", "summary", "verdict"],
        "properties": {
            "version": {"const": 1}, "tool": {"type": "object"}, "as_of": {"type": "string", "format": "date"},
            "files": {"type": "array", "items": {"$ref": "#/components/schemas/FileEntry"}},
            "summary": {"type": "object"}, "verdict": {"enum": ["pass", "block"]},
        },
    },
    "Rule": {
        "type": "object", "required": ["id", "name", "severity", "opt_in", "summary", "doc"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "severity": {"enum": ["error", "warning", "info"]},
            "opt_in": {"type": "boolean"}, "summary": {"type": "string"}, "doc": {"type": "string"},
        },
    },
}


def _errors(*statuses: int) -> dict:
    words = {400: "Bad request", 401: "No bearer token", 403: "Wrong bearer token", 404: "Not found",
             413: "Over the size limit, or too many documents", 415: "Not a document upload",
             503: "Queue full (or, for /readyz, workers not all up): retry after Retry-After seconds",
             504: "A worker did not answer within the deadline: treat the document as blocked"}
    return {str(s): {"description": words[s], "content": {"application/json": {"schema": _ERROR}}} for s in statuses}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def description(html: bool) -> dict:
    """The OpenAPI document; ``html`` when the HTML inspection report is installed (format=html)."""
    formats = ["json", "sarif", *(["html"] if html else [])]
    query = [
        {"name": "release", "in": "query", "schema": {"type": "boolean", "default": False},
         "description": "Pre-release gate: any state-secret or 解密 mark is ML303 (an error)."},
        {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Judge terms as of this date (default: today)."},
        {"name": "lang", "in": "query", "schema": {"enum": ["zh", "en"]}, "description": "Message language."},
        {"name": "format", "in": "query", "schema": {"enum": formats, "default": "json"}},
        {"name": "report", "in": "query", "schema": {"type": "boolean", "default": False},
         "description": "Answer the batch shape (a JSON report) even for one document."},
        {"name": "X-Filename", "in": "header", "schema": {"type": "string"},
         "description": "With a raw body: the document's file name, percent-encoded UTF-8."},
    ]
    answers = {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/FileEntry"},
                                                         {"$ref": "#/components/schemas/Batch"}]}},
               "application/sarif+json": {"schema": {"type": "object"}}}
    if html:
        answers["text/html"] = {"schema": {"type": "string"}}
    secured = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "marklint serve", "version": __version__,
                 "description": "The pre-release gate for state-secret markings (国家秘密标志). See docs/api.md."},
        "paths": {
            "/v1/check": {"post": {
                "summary": "Judge one or several documents",
                "security": secured,
                "parameters": query,
                "requestBody": {"required": True, "content": {
                    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                        "file": {"type": "array", "items": {"type": "string", "contentMediaType":
                                                            "application/octet-stream"}}}}},
                    "application/octet-stream": {"schema": {"type": "string"}},
                }},
                "responses": {"200": {"description": "One document: its entry and verdict; several (or report=true): "
                                                     "a JSON report with a verdict per entry and for the batch.",
                                      "content": answers},
                              **_errors(400, 401, 403, 413, 415, 503, 504)},
            }},
            "/v1/rules": {"get": {"summary": "The rule catalogue", "security": secured, "responses": {
                "200": _json({"type": "object", "properties": {"rules": {
                    "type": "array", "items": {"$ref": "#/components/schemas/Rule"}}}}, "Every rule"),
                **_errors(401, 403)}}},
            "/v1/rules/{rule_id}": {"get": {
                "summary": "One rule", "security": secured,
                "parameters": [{"name": "rule_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Rule"}, "The rule"),
                              **_errors(401, 403, 404)}}},
            "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": {
                "200": _json({"type": "object"}, "The server answers")}}},
            "/readyz": {"get": {"summary": "Readiness: every worker up, room in the queue", "security": [],
                                "responses": {"200": _json({"type": "object"}, "Ready"), **_errors(503)}}},
            "/openapi.json": {"get": {"summary": "This description", "security": [], "responses": {
                "200": _json({"type": "object"}, "OpenAPI 3.1")}}},
            "/": {"get": {"summary": "The upload page", "security": [], "responses": {
                "200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description":
                                           "Required unless the server listens on loopback only without a token."}},
        },
    }
