"""Integrity checks for the django-mptt comment trees."""

from comments.models import Comment


def tree_problems(tree_id: int) -> list[str]:
    """What is wrong with one tree: empty when its nested-set numbers are consistent."""
    nodes = list(
        Comment.objects.filter(tree_id=tree_id)
        .order_by("lft")
        .values("id", "parent_id", "article_id", "lft", "rght", "level")
    )
    problems: list[str] = []
    if not nodes:
        return ["no nodes"]
    by_id = {node["id"]: node for node in nodes}
    roots = [node for node in nodes if node["parent_id"] is None]
    if len(roots) != 1:
        problems.append(f"{len(roots)} roots")
    if {node["article_id"] for node in nodes} != {nodes[0]["article_id"]}:
        problems.append("nodes of several articles")
    numbers = sorted(n for node in nodes for n in (node["lft"], node["rght"]))
    if numbers != list(range(1, 2 * len(nodes) + 1)):
        problems.append("lft/rght numbers are not 1..2n without gaps or repeats")
    for node in nodes:
        if node["lft"] >= node["rght"]:
            problems.append(f"comment {node['id']}: lft >= rght")
        parent = by_id.get(node["parent_id"])
        if node["parent_id"] is not None:
            if parent is None:
                problems.append(f"comment {node['id']}: parent outside the tree")
            elif not (parent["lft"] < node["lft"] and node["rght"] < parent["rght"]):
                problems.append(f"comment {node['id']}: not inside its parent")
            elif node["level"] != parent["level"] + 1:
                problems.append(f"comment {node['id']}: wrong level")
        elif node["level"] != 0:
            problems.append(f"root {node['id']}: level {node['level']}")
    return problems
