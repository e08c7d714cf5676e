"""axe-core (from npm, see package.json) run inside a page: the serious and critical
accessibility violations it finds."""

import json
from pathlib import Path

from tests.conftest import missing

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

_RUN = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
    }));
}"""


def serious_violations(page) -> list[dict]:
    """Inject axe-core into the page (the context must bypass the CSP) and return the
    violations with impact "serious" or "critical"."""
    if not AXE.exists():
        missing("needs axe-core: npm install")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(_RUN)
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def assert_accessible(page) -> None:
    """Fail with the violations, readable, when axe finds a serious or critical one."""
    found = serious_violations(page)
    assert not found, f"axe on {page.url}:\n" + json.dumps(found, indent=2)
