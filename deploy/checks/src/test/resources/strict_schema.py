"""Strict schema check of Kubernetes manifests with the model classes of the official Python client.

Usage: strict_schema.py FILE...   (multi-document YAML). Every field of a built-in kind must be one the API's schema
knows, at every depth, with a value of the right shape; custom resources (KEDA, Strimzi, Prometheus Operator) are
listed as skipped. Exit status 0 when every document is valid, 1 otherwise (problems on stdout).
"""
import re
import sys

import yaml
from kubernetes import client

MODELS = client.models

# apiVersion/kind -> model class name; autoscaling/v2 maps to v2beta2 on clients older than Kubernetes 1.23.
def model_for(api_version, kind):
    group_version = api_version.split("/")[-1]
    names = ["%s%s" % (group_version.capitalize(), kind)]
    if api_version == "autoscaling/v2":
        names.append("V2beta2" + kind)
    for n in names:
        if hasattr(MODELS, n):
            return getattr(MODELS, n)
    return None


def check(value, type_name, path, problems):
    if value is None:
        return
    m = re.fullmatch(r"list\[(.+)\]", type_name)
    if m:
        if not isinstance(value, list):
            problems.append("%s: expected a list, got %r" % (path, value))
            return
        for i, v in enumerate(value):
            check(v, m.group(1), "%s[%d]" % (path, i), problems)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if m:
        if not isinstance(value, dict):
            problems.append("%s: expected a map, got %r" % (path, value))
            return
        for k, v in value.items():
            check(v, m.group(1), "%s.%s" % (path, k), problems)
        return
    if type_name == "object":
        return  # IntOrString, RawExtension, free-form
    if type_name in ("str", "datetime", "date"):
        if isinstance(value, (dict, list)):
            problems.append("%s: expected a scalar, got %r" % (path, value))
        return
    if type_name == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append("%s: expected an integer, got %r" % (path, value))
        return
    if type_name == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append("%s: expected a number, got %r" % (path, value))
        return
    if type_name == "bool":
        if not isinstance(value, bool):
            problems.append("%s: expected true/false, got %r" % (path, value))
        return
    cls = getattr(MODELS, type_name, None)
    if cls is None:
        problems.append("%s: unknown schema type %s" % (path, type_name))
        return
    if not isinstance(value, dict):
        problems.append("%s: expected an object (%s), got %r" % (path, type_name, value))
        return
    fields = {json_key: attr for attr, json_key in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in fields:
            problems.append("%s: unknown field %r of %s" % (path, key, type_name))
            continue
        check(v, cls.openapi_types[fields[key]], "%s.%s" % (path, key), problems)


def main(files):
    problems, checked, skipped = [], 0, []
    for f in files:
        with open(f) as fh:
            for doc in yaml.safe_load_all(fh):
                if not doc:
                    continue
                where = "%s: %s %s" % (f, doc.get("kind"), (doc.get("metadata") or {}).get("name"))
                cls = model_for(doc.get("apiVersion", ""), doc.get("kind", ""))
                if cls is None:
                    skipped.append(where)
                    continue
                check(doc, cls.__name__, where, problems)
                checked += 1
    for s in skipped:
        print("SKIPPED (no built-in schema): " + s)
    for p in problems:
        print("PROBLEM " + p)
    print("checked %d documents, %d problems" % (checked, len(problems)))
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
