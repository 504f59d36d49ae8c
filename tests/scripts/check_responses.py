#!/usr/bin/env python3
"""Checks recorded API responses against the OpenAPI document.

usage: check_responses.py OPENAPI_JSON RESPONSES_JSONL

Each line of RESPONSES_JSONL is {"method", "path", "status", "content_type", "body"} (body: the
text, or null when it was not kept). Every response to a documented operation must have a status
the operation declares, and a JSON body must validate against the declared schema of that status
(response schemas are strict: no undeclared field). Exits 1 listing each distinct problem.
"""
import json
import re
import sys
from collections import Counter

from jsonschema import Draft202012Validator, RefResolver


def operations(doc):
    ops = []
    for pattern, item in doc["paths"].items():
        regex = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", re.escape(pattern).replace(r"\{", "{").replace(r"\}", "}")) + "$")
        ops.append((pattern.count("{"), pattern, regex, item))
    ops.sort(key=lambda o: o[0])  # literal segments win over parameters
    return ops


def find(ops, method, path):
    """(pattern, operation) for method+path; operation None when the path exists for other methods."""
    found_path = None
    for _, pattern, regex, item in ops:
        if regex.match(path):
            if method in item:
                return pattern, item[method]
            found_path = found_path or pattern
    return found_path, None


def main():
    doc = json.load(open(sys.argv[1]))
    resolver = RefResolver.from_schema(doc)
    ops = operations(doc)
    problems = Counter()
    checked = 0
    for pattern, item in doc["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if status.startswith("2") and status != "204" and not response.get("content"):
                    problems[f"{method.upper()} {pattern} -> {status}: no response schema in the document"] += 1
    validators = {}
    for line in open(sys.argv[2], encoding="utf-8"):
        if not line.strip():
            continue
        r = json.loads(line)
        method = r["method"].lower()
        if method == "head":
            method = "get"
        pattern, op = find(ops, method, r["path"])
        if op is None:
            continue  # an unknown path (404) or method (405): nothing is documented to check
        status = str(r["status"])
        where = f'{r["method"]} {pattern} -> {status}'
        declared = op["responses"].get(status)
        if declared is None:
            if r["status"] in (500, 503):
                problems[f"{where}: server error {(r.get('body') or '')[:200]}"] += 1
            else:
                problems[f"{where}: status not declared (declared: {', '.join(op['responses'])})"] += 1
            continue
        checked += 1
        content = declared.get("content", {})
        ctype = (r.get("content_type") or "").split(";")[0].strip()
        body = r.get("body")
        if r["method"] == "HEAD" or r["status"] == 204:
            continue
        if ctype == "application/json":
            if "application/json" not in content:
                problems[f"{where}: a JSON body where none is declared"] += 1
                continue
            if body is None:
                continue
            try:
                value = json.loads(body)
            except ValueError as e:
                problems[f"{where}: body is not JSON ({e})"] += 1
                continue
            key = (pattern, method, status)
            if key not in validators:
                validators[key] = Draft202012Validator(content["application/json"]["schema"], resolver=resolver)
            for error in validators[key].iter_errors(value):
                path = "/".join(str(p) for p in error.absolute_path)
                problems[f"{where}: at /{path}: {error.message[:300]}"] += 1
        elif content and ctype not in content and body:
            problems[f"{where}: content type {ctype or 'none'} is not declared ({', '.join(content)})"] += 1
    if problems:
        print(f"{len(problems)} distinct problems in the responses ({checked} checked):")
        for text, count in sorted(problems.items()):
            print(f"  [{count}x] {text}")
        return 1
    print(f"all {checked} recorded responses match the OpenAPI document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
