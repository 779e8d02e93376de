"""Front-matter: read it with line numbers and without aliases, write it back from the schema.

Reading and writing live together so that what the publisher and ``pokja new`` write is what the
loader reads (a round trip keeps every value).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from .fields import dump_value

if TYPE_CHECKING:
    from .schemas import Schema

MAX_YAML_DEPTH = 20
MAX_YAML_NODES = 20_000
# String values up to this length are interned (see _construct).
INTERN_UP_TO = 40

try:  # libyaml is much faster; fall back to the pure-Python composer.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


class YamlRejected(Exception):
    def __init__(self, key: str, line: int, **params: Any) -> None:
        super().__init__(key)
        self.key, self.line, self.params = key, line, params


_STR_TAG = "tag:yaml.org,2002:str"
_SCALAR_LOADER = yaml.SafeLoader("")  # used only to resolve scalar nodes (ints, dates, ...)


def _construct(node: yaml.Node, path: tuple[str, ...], lines: dict[str, int], state: dict[str, Any]) -> Any:
    """Turn a composed node into Python data, recording lines; refuse aliases and bombs."""
    if id(node) in state["seen"]:
        raise YamlRejected("yaml_alias", node.start_mark.line)
    state["seen"].add(id(node))
    state["count"] += 1
    if state["count"] > MAX_YAML_NODES:
        raise YamlRejected("yaml_too_big", node.start_mark.line, limit=MAX_YAML_NODES)
    if len(path) > MAX_YAML_DEPTH:
        raise YamlRejected("yaml_too_deep", node.start_mark.line, limit=MAX_YAML_DEPTH)
    lines[".".join(path)] = node.start_mark.line
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlRejected("yaml_alias", key_node.start_mark.line)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlRejected("not_mapping", key_node.start_mark.line)
            # Keys are names, taken as written: YAML 1.1 would read `no:` (a decision's number) as False.
            # Interned: every document repeats the same few dozen names (a national corpus holds millions).
            key = sys.intern(key_node.value)
            result[key] = _construct(value_node, (*path, str(key)), lines, state)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, str(i)), lines, state) for i, item in enumerate(node.value)]
    if node.tag == _STR_TAG:  # the common case, without the constructor's overhead
        value = node.value
        # Short values repeat across documents (tags, region codes, statuses): one copy of each.
        return sys.intern(value) if len(value) <= INTERN_UP_TO else value
    try:
        return _SCALAR_LOADER.construct_object(node, deep=True)
    except ValueError:
        # A scalar YAML recognises but cannot build (a date like 2024-13-45): keep the text, so
        # the field's validator reports it with its own message.
        return node.value


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front-matter YAML text, body, body's first line) of a document's text; YamlRejected when none."""
    if not text.startswith("---"):
        raise YamlRejected("no_front_matter", 1)
    first_break = text.find("\n")
    if first_break == -1 or text[:first_break].strip() != "---":
        raise YamlRejected("no_front_matter", 1)
    match = re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.M).search(text, first_break + 1)
    if not match:
        raise YamlRejected("unclosed_front_matter", 1)
    yaml_text = text[first_break + 1 : match.start()]
    body_start = text.find("\n", match.end())
    body = "" if body_start == -1 else text[body_start + 1 :]
    body_line = text.count("\n", 0, body_start + 1) + 1 if body_start != -1 else 1
    return yaml_text, body, body_line


def parse_front_matter(text: str) -> tuple[Any, dict[str, int], str, int]:
    """Split ``text`` into (front-matter data, field lines, body, body's first line); 1-based lines."""
    yaml_text, body, body_line = split_front_matter(text)
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark else 1
        detail = exc.problem or str(exc)
        raise YamlRejected("invalid_yaml", line, detail=detail) from exc
    except yaml.YAMLError as exc:
        raise YamlRejected("invalid_yaml", 2, detail=str(exc)) from exc
    if node is None:
        return {}, {}, body, body_line
    lines: dict[str, int] = {}
    try:
        data = _construct(node, (), lines, {"seen": set(), "count": 0})
    except YamlRejected as exc:
        exc.line += 2
        raise
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise YamlRejected("invalid_yaml", 2, detail=str(exc)) from exc
    # YAML lines are 0-based within the block, which starts on file line 2.
    return data, {k: v + 2 for k, v in lines.items()}, body, body_line


def slugify(title: str) -> str:
    """ASCII, lowercase, hyphen-separated slug of a title; no dots or slashes survive."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_title).split()
    return "-".join(words)[:80].strip("-")


def dump_front_matter(meta: Mapping[str, Any], schema: Schema | None = None) -> str:
    """The YAML of ``meta`` in its order, each declared field written by its type (dates as ISO dates)."""
    fields = schema.fields if schema is not None else {}
    data = {key: dump_value(fields.get(key), value) for key, value in meta.items()}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def document_text(meta: Mapping[str, Any], body: str, schema: Schema | None = None) -> str:
    """A whole document's text: the front-matter between ``---`` lines, a blank line, the body.

    A loaded body keeps the blank line after the front-matter, so it is not added twice.
    """
    gap = "" if body.startswith("\n") else "\n"
    return f"---\n{dump_front_matter(meta, schema)}---\n{gap}{body}"
