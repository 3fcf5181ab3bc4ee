"""Render form widgets the Designsystemet way, linked to their help text and errors."""

from django import template

register = template.Library()


@register.simple_tag
def ds_widget(field):
    """Render *field*'s widget with ``ds-input``, ``aria-describedby`` and ``aria-invalid``."""
    attrs = {}
    css = field.field.widget.attrs.get("class", "")
    if "ds-input" not in css:
        attrs["class"] = (css + " ds-input").strip()
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_hjelp")
    if field.errors:
        described_by.append(f"{field.auto_id}_feil")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
