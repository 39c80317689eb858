#!/usr/bin/env python3
"""Validates hardbisect JSON reports against their schemas (docs/json.md).

    validate_json.py SCHEMA_DIR KIND FILE...

KIND is run, bisect, check, verify, matrix, harden or evidence: the schema
SCHEMA_DIR/KIND.schema.json, whose $refs go to the other schemas of the
folder. Prints each error with its JSON path; exit 1 when any file fails,
2 when python3-jsonschema is missing or a schema is itself invalid.
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("validate_json.py: python3-jsonschema is not installed (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(2)


def validator_for(schema_dir, kind):
    schemas = {}
    for path in sorted(pathlib.Path(schema_dir).glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["$id"]] = schema
    root = json.loads((pathlib.Path(schema_dir) / f"{kind}.schema.json").read_text())
    try:  # jsonschema >= 4.18: the referencing library
        import referencing
        import referencing.jsonschema
        registry = referencing.Registry().with_resources(
            (uri, referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT202012))
            for uri, s in schemas.items())
        return jsonschema.Draft202012Validator(root, registry=registry)
    except ImportError:  # Debian 12's 4.10
        resolver = jsonschema.RefResolver.from_schema(root, store=schemas)
        return jsonschema.Draft202012Validator(root, resolver=resolver)


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        validator = validator_for(argv[1], argv[2])
    except jsonschema.SchemaError as e:
        print(f"validate_json.py: invalid schema: {e.message}", file=sys.stderr)
        return 2
    failed = 0
    for name in argv[3:]:
        document = json.loads(pathlib.Path(name).read_text())
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:20]:
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{name}: {where}: {error.message}")
        if errors:
            failed += 1
        else:
            print(f"{name}: valid {argv[2]} report")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
