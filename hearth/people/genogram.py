"""A genogram drawn from a family's members and relationships, as SVG with a text alternative.

Generations come from member roles (adults above children) corrected by the relationships
(a grandparent two rows above the grandchild). Shapes follow genogram convention: a square for a
male, a circle for a female, a diamond where sex is not known.
"""

from dataclasses import dataclass
from datetime import date
from html import escape

from hearth.core import dates
from hearth.people.models import GENERATION_STEP, MemberRole, RelationshipKind, Sex

BOX_W, ROW_H, MARGIN, SHAPE = 170, 150, 30, 22

LINE_STYLES = {
    RelationshipKind.MOTHER: ("#0b0c0c", ""),
    RelationshipKind.FATHER: ("#0b0c0c", ""),
    RelationshipKind.STEP_PARENT: ("#0b0c0c", "8 5"),
    RelationshipKind.GRANDPARENT: ("#505a5f", "12 6"),
    RelationshipKind.SIBLING: ("#1d70b8", "2 4"),
    RelationshipKind.HALF_SIBLING: ("#1d70b8", "8 4 2 4"),
    RelationshipKind.PARTNER: ("#d4351c", ""),
    RelationshipKind.OTHER: ("#505a5f", "1 3"),
}


@dataclass
class Node:
    person_id: int
    label: str
    sub: str
    sex: str
    generation: int
    x: float = 0
    y: float = 0


def _age(dob: date | None, today: date) -> str:
    if not dob:
        return "age not known"
    return f"age {dates.age_on(dob, today)}"


def build(members, relationships, today: date | None = None) -> tuple[str, list[str]]:
    """Return (svg markup, text alternative sentences)."""
    today = today or date.today()
    nodes: dict[int, Node] = {}
    for m in members:
        p = m.person
        nodes[p.pk] = Node(
            person_id=p.pk,
            label=p.full_name,
            sub=_age(p.date_of_birth, today) + ("*" if p.date_of_birth_estimated else ""),
            sex=p.sex,
            generation=1 if m.role == MemberRole.CHILD else 0,
        )
    rels = [r for r in relationships if r.from_person_id in nodes and r.to_person_id in nodes]
    for _ in range(len(nodes)):
        changed = False
        for r in rels:
            step = GENERATION_STEP.get(r.kind)
            if step is None:
                continue
            a, b = nodes[r.from_person_id], nodes[r.to_person_id]
            if b.generation != a.generation + step:
                if step > 0 and a.generation > b.generation - step:
                    a.generation = b.generation - step
                else:
                    b.generation = a.generation + step
                changed = True
        if not changed:
            break
    if nodes:
        low = min(n.generation for n in nodes.values())
        for n in nodes.values():
            n.generation -= low

    dob_order = {m.person.pk: (m.person.date_of_birth or date.max, m.person.pk) for m in members}
    partners = {}
    for r in rels:
        if r.kind == RelationshipKind.PARTNER:
            partners.setdefault(r.from_person_id, r.to_person_id)
            partners.setdefault(r.to_person_id, r.from_person_id)
    rows: dict[int, list[Node]] = {}
    for n in sorted(nodes.values(), key=lambda n: dob_order[n.person_id]):
        rows.setdefault(n.generation, []).append(n)
    for gen, row in rows.items():
        ordered: list[Node] = []
        for n in row:
            if n in ordered:
                continue
            ordered.append(n)
            mate = nodes.get(partners.get(n.person_id))
            if mate and mate.generation == gen and mate not in ordered:
                ordered.append(mate)
        rows[gen] = ordered
        for i, n in enumerate(ordered):
            n.x = MARGIN + BOX_W / 2 + i * BOX_W
            n.y = MARGIN + SHAPE + gen * ROW_H
    width = MARGIN * 2 + BOX_W * max((len(r) for r in rows.values()), default=1)
    height = MARGIN * 2 + ROW_H * max(len(rows), 1)

    parts = []
    for r in rels:
        a, b = nodes[r.from_person_id], nodes[r.to_person_id]
        colour, dash = LINE_STYLES.get(r.kind, LINE_STYLES[RelationshipKind.OTHER])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if a.generation == b.generation:
            mid = min(a.y, b.y) - SHAPE - 8 if r.kind != RelationshipKind.PARTNER else a.y
            path = f"M{a.x:.0f},{a.y:.0f} L{a.x:.0f},{mid:.0f} L{b.x:.0f},{mid:.0f} L{b.x:.0f},{b.y:.0f}"
        else:
            upper, lower = (a, b) if a.generation < b.generation else (b, a)
            mid = (upper.y + lower.y) / 2
            path = (
                f"M{upper.x:.0f},{upper.y + SHAPE:.0f} L{upper.x:.0f},{mid:.0f} "
                f"L{lower.x:.0f},{mid:.0f} L{lower.x:.0f},{lower.y - SHAPE:.0f}"
            )
        parts.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}>'
            f"<title>{escape(str(r))}</title></path>"
        )
    for n in nodes.values():
        if n.sex == Sex.MALE:
            shape = f'<rect x="{n.x - SHAPE:.0f}" y="{n.y - SHAPE:.0f}" width="{2 * SHAPE}" height="{2 * SHAPE}"'
        elif n.sex == Sex.FEMALE:
            shape = f'<circle cx="{n.x:.0f}" cy="{n.y:.0f}" r="{SHAPE}"'
        else:
            pts = (f"{n.x:.0f},{n.y - SHAPE:.0f} {n.x + SHAPE:.0f},{n.y:.0f} "
                   f"{n.x:.0f},{n.y + SHAPE:.0f} {n.x - SHAPE:.0f},{n.y:.0f}")
            shape = f'<polygon points="{pts}"'
        parts.append(f'{shape} fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/>')
        parts.append(
            f'<text x="{n.x:.0f}" y="{n.y + SHAPE + 18:.0f}" text-anchor="middle" font-size="14" '
            f'font-family="arial, sans-serif" fill="#0b0c0c">{escape(n.label)}</text>'
            f'<text x="{n.x:.0f}" y="{n.y + SHAPE + 36:.0f}" text-anchor="middle" font-size="13" '
            f'font-family="arial, sans-serif" fill="#505a5f">{escape(n.sub)}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hearth-genogram" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="genogram-title genogram-desc">'
        f'<title id="genogram-title">Genogram</title>'
        f'<desc id="genogram-desc">A diagram of the family members and their relationships. '
        f"The same information is listed as text below the diagram.</desc>"
        + "".join(parts)
        + "</svg>"
    )
    by_id = {m.person.pk: m.person for m in members}
    text = [
        f"{by_id[r.from_person_id].full_name} is the {r.get_kind_display().lower()} of "
        f"{by_id[r.to_person_id].full_name}"
        + (f" ({r.description})" if r.description else "")
        for r in rels
    ]
    return svg, text
