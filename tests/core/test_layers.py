"""The layers hold without tricks: `lint-imports` (run by scripts/test) checks that apps import only the apps below
them; this checks that no module hides an import of another Hearth module inside a function to get round that (a
third-party library may still be imported where it is needed, to keep start-up light). The one place an import
belongs inside a function is an app's `AppConfig.ready()`, where Django wants registrations made."""

import ast
from pathlib import Path

import hearth

PACKAGE = Path(hearth.__file__).parent


def _imports_inside_functions(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if path.name == "apps.py" and node.name == "ready":
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.level or (inner.module or "").startswith("hearth")) \
                        or isinstance(inner, ast.Import) and any(a.name.startswith("hearth") for a in inner.names):
                    found.append(f"{path.relative_to(root)}:{inner.lineno}")
    return found


def test_no_module_imports_inside_a_function():
    found = [where for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.parts
             for where in _imports_inside_functions(path)]
    assert found == []


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "hearth" / "example.py"
    module.parent.mkdir()
    module.write_text("def f():\n    from hearth.cases import services\n    return services\n")
    (tmp_path / "hearth" / "apps.py").write_text("class C:\n    def ready(self):\n        from hearth import x\n")
    assert _imports_inside_functions(module, tmp_path) == ["hearth/example.py:2"]
    assert _imports_inside_functions(tmp_path / "hearth" / "apps.py", tmp_path) == []
