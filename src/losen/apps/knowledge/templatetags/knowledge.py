"""``{% knowledge_section case can_edit can_decide %}``: the case page's part on the knowledge
base, the ethical reflections and the example bank (losen.apps.knowledge)."""

from django import template

register = template.Library()


@register.inclusion_tag("knowledge/_case_section.html")
def knowledge_section(case, can_edit=False, can_decide=False):
    return {
        "case": case,
        "methods": list(case.method_assessments.all()),
        "reflections": list(case.ethics_reflections.all()),
        "example": case.examples.filter(unpublished_at__isnull=True).first(),
        "can_edit": can_edit,
        "can_decide": can_decide,
    }
