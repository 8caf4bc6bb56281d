"""What Discord refuses in a modal (interaction callback type 9).

A modal holds 1 to 5 top-level components: Labels (type 18) wrapping one input, Text
Displays, or (the older form) Action Rows holding one Text Input."""

from __future__ import annotations

from typing import Any

from tests.fakediscord.validation.components import (
    ACTION_ROW,
    CHECKBOX,
    CHECKBOX_GROUP,
    FILE_UPLOAD,
    LABEL,
    RADIO_GROUP,
    SELECTS,
    STRING_SELECT,
    TEXT_DISPLAY,
    TEXT_INPUT,
    Where,
    bad,
    check_length,
    given,
)

LABEL_CHILDREN = (TEXT_INPUT, *SELECTS, FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX)
MAX_TOP_LEVEL = 5


class ModalCheck:
    def __init__(self) -> None:
        self.custom_ids: set[str] = set()

    def modal(self, data: dict[str, Any]) -> None:
        check_length(data.get("title"), ("data", "title"), low=1, high=45, required=True)
        check_length(data.get("custom_id"), ("data", "custom_id"), low=1, high=100, required=True)
        components = data.get("components")
        where: Where = ("data", "components")
        if not isinstance(components, list) or not 1 <= len(components) <= MAX_TOP_LEVEL:
            raise bad(
                where, f"Must be between 1 and {MAX_TOP_LEVEL} in length.", "BASE_TYPE_BAD_LENGTH"
            )
        for index, component in enumerate(components):
            self.top_level(component, (*where, index))

    def top_level(self, component: Any, where: Where) -> None:
        kind = component.get("type") if isinstance(component, dict) else None
        if kind == ACTION_ROW:
            children = component.get("components")
            if not isinstance(children, list) or len(children) != 1:
                raise bad((*where, "components"), "Must be 1 in length.", "BASE_TYPE_BAD_LENGTH")
            if children[0].get("type") != TEXT_INPUT:
                raise bad(
                    (*where, "components", 0, "type"),
                    "A modal row holds a text input",
                    "UNION_TYPE_CHOICES",
                )
            self.text_input(children[0], (*where, "components", 0), in_label=False)
        elif kind == TEXT_DISPLAY:
            check_length(
                component.get("content"), (*where, "content"), low=1, high=4000, required=True
            )
        elif kind == LABEL:
            self.label(component, where)
        else:
            raise bad(
                (*where, "type"),
                f"Component type {kind} is not allowed in a modal",
                "UNION_TYPE_CHOICES",
            )

    def label(self, label: dict[str, Any], where: Where) -> None:
        check_length(label.get("label"), (*where, "label"), low=1, high=45, required=True)
        check_length(label.get("description"), (*where, "description"), high=100)
        child = label.get("component")
        if not isinstance(child, dict):
            raise bad((*where, "component"), "This field is required", "BASE_TYPE_REQUIRED")
        kind = child.get("type")
        child_where = (*where, "component")
        if kind not in LABEL_CHILDREN:
            raise bad(
                (*child_where, "type"),
                f"Component type {kind} cannot be in a label",
                "UNION_TYPE_CHOICES",
            )
        self.custom_id(child, child_where)
        if kind == TEXT_INPUT:
            self.text_input(child, child_where, in_label=True)
        elif kind == STRING_SELECT:
            self.options(child, child_where, low=1, high=25)
            self.value_range(child, child_where, high=25)
        elif kind == RADIO_GROUP:
            self.options(child, child_where, low=2, high=10)
            defaults = [o for o in child["options"] if o.get("default")]
            if len(defaults) > 1:
                raise bad(
                    (*child_where, "options"),
                    "At most one option is the default",
                    "BASE_TYPE_INVALID",
                )
        elif kind == CHECKBOX_GROUP:
            self.options(child, child_where, low=1, high=10)
            self.value_range(child, child_where, high=10, default_high=len(child["options"]))
        elif kind == CHECKBOX and not isinstance(given(child, "default", False), bool):
            raise bad((*child_where, "default"), "Must be a boolean", "BASE_TYPE_BOOLEAN")

    def custom_id(self, component: dict[str, Any], where: Where) -> None:
        custom_id = component.get("custom_id")
        check_length(custom_id, (*where, "custom_id"), low=1, high=100, required=True)
        if custom_id in self.custom_ids:
            raise bad(
                (*where, "custom_id"),
                "Component custom id cannot be duplicated",
                "COMPONENT_CUSTOM_ID_DUPLICATED",
            )
        self.custom_ids.add(custom_id)

    def text_input(self, text: dict[str, Any], where: Where, *, in_label: bool) -> None:
        if not in_label:
            self.custom_id(text, where)
            check_length(text.get("label"), (*where, "label"), low=1, high=45, required=True)
        if text.get("style") not in (1, 2):
            raise bad((*where, "style"), "Value must be one of {1, 2}.", "BASE_TYPE_CHOICES")
        low, high = given(text, "min_length", 0), given(text, "max_length", 4000)
        if not 0 <= low <= 4000 or not 1 <= high <= 4000 or low > high:
            raise bad(
                (*where, "max_length"),
                "min_length and max_length out of range",
                "BASE_TYPE_BAD_INT",
            )
        check_length(text.get("value"), (*where, "value"), high=high)
        check_length(text.get("placeholder"), (*where, "placeholder"), high=100)

    def options(self, component: dict[str, Any], where: Where, *, low: int, high: int) -> None:
        options = component.get("options")
        if not isinstance(options, list) or not low <= len(options) <= high:
            raise bad(
                (*where, "options"),
                f"Must be between {low} and {high} in length.",
                "BASE_TYPE_BAD_LENGTH",
            )
        values = set()
        for index, option in enumerate(options):
            check_length(
                option.get("label"),
                (*where, "options", index, "label"),
                low=1,
                high=100,
                required=True,
            )
            check_length(
                option.get("value"),
                (*where, "options", index, "value"),
                low=1,
                high=100,
                required=True,
            )
            check_length(
                option.get("description"), (*where, "options", index, "description"), high=100
            )
            if option["value"] in values:
                raise bad(
                    (*where, "options", index, "value"),
                    "Option values must be unique",
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                )
            values.add(option["value"])

    def value_range(
        self, component: dict[str, Any], where: Where, *, high: int, default_high: int = 1
    ) -> None:
        low_values = given(component, "min_values", 1 if component["type"] == STRING_SELECT else 0)
        high_values = given(component, "max_values", min(default_high, high))
        if not 0 <= low_values <= high or not 1 <= high_values <= high or low_values > high_values:
            raise bad(
                (*where, "max_values"),
                "min_values and max_values out of range",
                "BASE_TYPE_BAD_INT",
            )


def check_modal(data: dict[str, Any]) -> None:
    ModalCheck().modal(data)
