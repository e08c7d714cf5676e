"""The site layer: pages that mix apps (home), accounts, health, robots, the demo seed and
the URL map. It sits above every app and no app imports it (DESIGN.md, Layout)."""
