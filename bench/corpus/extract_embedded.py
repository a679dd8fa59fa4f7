#!/usr/bin/python3
"""Writes out the HOT templates embedded in Heat's functional tests (heat_integrationtests/**/*.py).

    extract_embedded.py SRC_DIR OUT_DIR

A template is a string literal holding `heat_template_version` (YAML text, as most tests keep them) or a dict
literal with a `heat_template_version` key (dumped as YAML). It is named `<test file>__<variable>.yaml` after the
variable it is assigned to (`<test file>__<Class>.<variable>` when two share a name, `<function>.<line>` when it is
not assigned at all, e.g. passed straight to stack_create). Prints one line per template written.
"""
import ast
import os
import sys

import yaml


def _is_template_text(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "heat_template_version" in node.value


def _literal_template(node):
    """A dict literal with a heat_template_version key, evaluated; None when it is not one or not literal."""
    if not isinstance(node, ast.Dict):
        return None
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
    if "heat_template_version" not in keys:
        return None
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _target_name(target):
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self):
        self.found = []          # (name, owner, line, text)
        self._owners = []
        self._claimed = set()

    def _owner(self):
        return self._owners[-1] if self._owners else ""

    def visit_ClassDef(self, node):
        self._owners.append(node.name)
        self.generic_visit(node)
        self._owners.pop()

    def visit_FunctionDef(self, node):
        self._owners.append(node.name)
        self.generic_visit(node)
        self._owners.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _take(self, name, node):
        text = None
        if _is_template_text(node):
            text = node.value
        else:
            literal = _literal_template(node)
            if literal is not None:
                text = yaml.safe_dump(literal, default_flow_style=False, sort_keys=False)
        if text is None:
            return False
        self._claimed.add(id(node))
        self.found.append((name, self._owner(), node.lineno, text))
        return True

    def visit_Assign(self, node):
        names = [n for n in (_target_name(t) for t in node.targets) if n]
        if names and self._take(names[0], node.value):
            return
        self.generic_visit(node)

    def visit_Constant(self, node):
        if id(node) not in self._claimed and _is_template_text(node):
            self._take("%s.%d" % (self._owner() or "module", node.lineno), node)

    def visit_Dict(self, node):
        if id(node) not in self._claimed and self._take("%s.%d" % (self._owner() or "module", node.lineno), node):
            return
        self.generic_visit(node)


def _is_hot(text):
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(doc, dict) and "heat_template_version" in doc


def extract(src_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for root, dirs, files in os.walk(src_dir):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith(".py"):
                continue
            path = os.path.join(root, f)
            with open(path) as fh:
                tree = ast.parse(fh.read(), path)
            finder = _Finder()
            finder.visit(tree)
            counts = {}
            for name, _, _, _ in finder.found:
                counts[name] = counts.get(name, 0) + 1
            for name, owner, _, text in finder.found:
                if not _is_hot(text):
                    continue          # a fragment (e.g. one line of a test's own edits), not a template
                label = name if counts[name] == 1 or not owner else "%s.%s" % (owner, name)
                out = os.path.join(out_dir, "%s__%s.yaml" % (f, label))
                with open(out, "w") as fh:
                    fh.write(text)
                written.append(out)
    return written


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    for path in extract(sys.argv[1], sys.argv[2]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
