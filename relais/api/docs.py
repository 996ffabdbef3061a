"""The API's documentation page, rendered on the server from the OpenAPI document itself.

Not Swagger UI: its scripts would need the strict CSP relaxed or vendored assets, and axe finds contrast and
nested-control faults in it (RGAA). Plain HTML from the same document cannot drift from the schema.
"""

from dataclasses import dataclass, field

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_text(schema: dict) -> tuple[str, str | None]:
    """(readable type, name of the linked schema or None)."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"]), _ref_name(schema["$ref"])
    if "anyOf" in schema:
        parts = [type_text(s) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        text = " ou ".join(p[0] for p in parts) + (" ou null" if nullable else "")
        return text, next((p[1] for p in parts if p[1]), None)
    kind = schema.get("type", "")
    if kind == "array":
        inner, link = type_text(schema.get("items", {}))
        return f"liste de {inner}", link
    if "enum" in schema:
        return "une valeur parmi : " + ", ".join(str(v) for v in schema["enum"]), None
    text = {"string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen", "object": "objet"}.get(
        kind, kind or "valeur"
    )
    fmt = {"date": "date AAAA-MM-JJ", "date-time": "date et heure ISO 8601", "uuid": "UUID", "time": "heure"}
    if schema.get("format") in fmt:
        text = fmt[schema["format"]]
    return text, None


def _limits(schema: dict) -> str:
    out = []
    for key, label in (
        ("minimum", "min."),
        ("maximum", "max."),
        ("minLength", "longueur min."),
        ("maxLength", "longueur max."),
        ("minItems", "au moins"),
        ("maxItems", "au plus"),
    ):
        if key in schema:
            out.append(f"{label} {schema[key]}")
    for option in schema.get("anyOf", []):
        out += [_limits(option)] if _limits(option) else []
    if "default" in schema and schema["default"] not in ("", None, []):
        out.append(f"défaut {schema['default']}")
    return " ; ".join(out)


@dataclass
class Row:
    name: str
    type: str
    link: str | None
    required: bool
    description: str
    limits: str
    where: str = ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Row] = field(default_factory=list)
    body: str | None = None
    responses: list[tuple[str, str, str | None]] = field(default_factory=list)


def _rows(schema: dict) -> list[Row]:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        text, link = type_text(prop)
        rows.append(Row(name, text, link, name in required, prop.get("description", ""), _limits(prop)))
    return rows


def document_context(openapi: dict) -> dict:
    """Operations grouped by tag, and every schema of the document as a table of fields."""
    groups: dict[str, list[Operation]] = {}
    for path, item in openapi["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=op.get("summary", ""),
                description=op.get("description", ""),
                anchor=op.get("operationId", f"{method}-{path}"),
            )
            for param in op.get("parameters", []):
                text, link = type_text(param.get("schema", {}))
                operation.parameters.append(
                    Row(
                        param["name"],
                        text,
                        link,
                        param.get("required", False),
                        param.get("description", ""),
                        _limits(param.get("schema", {})),
                        where={"query": "requête", "path": "chemin"}.get(param["in"], param["in"]),
                    )
                )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                operation.body = type_text(body)[1]
            for status, response in op.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                operation.responses.append((status, response.get("description", ""), type_text(schema)[1]))
            groups.setdefault((op.get("tags") or ["Autres"])[0], []).append(operation)
    schemas = [
        {"name": name, "rows": _rows(schema), "enum": schema.get("enum"), "description": schema.get("description", "")}
        for name, schema in sorted(openapi.get("components", {}).get("schemas", {}).items())
        if name not in {"PageParams", "AgentFilters", "StatisticsParams"}
    ]
    return {
        "title": openapi["info"]["title"],
        "version": openapi["info"]["version"],
        "description": openapi["info"].get("description", ""),
        "groups": list(groups.items()),
        "schemas": schemas,
    }
