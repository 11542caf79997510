"""The kind catalogue (domain/catalog.py) is the one declaration of each kind's fields: the GraphQL
output types, create/update inputs and filter field enums hold exactly what it says."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from modelgraph.domain.catalog import ALL, COMMON, KINDS, STRUCTURED, Prop, camel
from modelgraph.domain.graph import Label
from modelgraph.graphql.schema import schema

TYPES = schema._schema.type_map


def _fields(name: str) -> dict[str, str]:
    t = TYPES[name]
    assert isinstance(t, (GraphQLObjectType, GraphQLInputObjectType))
    return {f: str(d.type) for f, d in t.fields.items()}


def _enum(name: str) -> dict[str, object]:
    t = TYPES[name]
    assert isinstance(t, GraphQLEnumType)
    return {k: v.value for k, v in t.values.items()}


def test_every_kind_has_a_catalogue_entry() -> None:
    assert set(KINDS) == set(Label)
    names = [p.name for p in ALL]
    for props in (COMMON, *KINDS.values()):
        assert len({p.name for p in props}) == len(props)
    assert all(n == n.lower() for n in names)


def _kind_props(kind: Label) -> tuple[Prop, ...]:
    return COMMON + KINDS[kind]


def test_output_types_hold_the_catalogue_fields() -> None:
    for kind in Label:
        out = _fields(kind.value)
        for p in _kind_props(kind):
            assert camel(p.name) in out, (kind, p.name)
            if p.shape not in STRUCTURED:
                assert out[camel(p.name)].endswith("!") is p.required, (kind, p.name)


def test_inputs_hold_exactly_the_writable_fields() -> None:
    for kind in Label:
        writable = {camel(p.name) for p in _kind_props(kind) if p.writable}
        update = _fields(f"{kind.value}Update")
        create = _fields(f"{kind.value}Create")
        assert set(update) == writable == set(create), kind
        assert create["name"] == "String!" and update["name"] == "String"
        assert all(not t.endswith("!") for t in update.values())


def test_filter_enums_name_the_node_properties() -> None:
    for kind in Label:
        expected = {p.name.upper(): p.prop for p in _kind_props(kind) if p.in_filter}
        assert _enum(f"{kind.value}Field") == expected, kind
    assert _enum("ModelVersionField")["MODEL_ID"] == "parentId"
    assert "LOGO" not in _enum("RegisteredModelField")


# Adding a property to ModelVersion is one edit: load the catalogue with one more line in its
# ModelVersion table, export the schema, and compare the export with today's.
_ONE_EDIT = textwrap.dedent(
    """
    import json, sys, types
    from pathlib import Path
    import modelgraph.domain
    path = Path(modelgraph.domain.__file__).parent / "catalog.py"
    anchor = '        Prop("training_time_ms", Shape.LONG),\\n'
    source = path.read_text()
    assert source.count(anchor) == 1
    line = '        Prop("carbon_grams", Shape.FLOAT, doc="Emissions."),\\n'
    edited = source.replace(anchor, anchor + line)
    module = types.ModuleType("modelgraph.domain.catalog")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    exec(compile(edited, str(path), "exec"), module.__dict__)
    from modelgraph.domain.errors import Invalid
    from modelgraph.graphql import inputs
    from modelgraph.graphql.schema import schema
    props = inputs.node_props(inputs.ModelVersionUpdate(carbon_grams=3.5))[0]
    try:
        inputs.node_props(inputs.ModelVersionUpdate(carbon_grams=-1.0))
        refused = None
    except Invalid as exc:
        refused = str(exc)
    print(json.dumps({"sdl": schema.as_str(), "props": props, "refused": refused}))
    """
)


def test_a_new_model_version_property_is_one_catalogue_line() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _ONE_EDIT], capture_output=True, text=True, check=True, timeout=120
    )
    got = json.loads(run.stdout)
    before = set(schema.as_str().splitlines())
    added = [line.strip() for line in got["sdl"].splitlines() if line not in before]
    assert sorted(added) == sorted(
        [
            '"""Emissions."""',  # ModelVersion.carbonGrams
            "carbonGrams: Float",
            '"""Emissions."""',  # ModelVersionCreate
            "carbonGrams: Float = null",
            '"""Emissions."""',  # ModelVersionUpdate
            "carbonGrams: Float = null",
            "CARBON_GRAMS",  # ModelVersionField
        ]
    ), added
    assert got["props"] == {"carbonGrams": 3.5}
    assert got["refused"] == "carbonGrams must not be negative"


def test_catalogue_fields_resolve_without_awaiting() -> None:
    from modelgraph.graphql.types import TYPE_BY_KIND

    for kind, cls in TYPE_BY_KIND.items():
        names = {p.name for p in _kind_props(kind) if p.output}
        fields = cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
        assert names <= {f.python_name for f in fields}
        for f in fields:
            if f.python_name in names and f.base_resolver is not None:
                assert not f.base_resolver.is_async, (kind, f.python_name)
