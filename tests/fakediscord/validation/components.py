"""Discord's rules for message components, classic and Components V2 (flag 1 << 15).

Classic messages hold up to 5 action rows. With IS_COMPONENTS_V2 the components are the
whole message: no content or embeds, at most 40 components counted at every depth, at most
4,000 characters of text display, layout components at the top level, and attachment://
media that must name a file sent with the message."""

from __future__ import annotations

from typing import Any

from tests.fakediscord.rest.errors import FormError
from tests.fakediscord.state.messages import IS_COMPONENTS_V2

ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 5, 6, 7, 8
SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR = 9, 10, 11, 12, 13, 14
CONTAINER, LABEL, FILE_UPLOAD = 17, 18, 19
RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX = 21, 22, 23

SELECTS = (STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT)
INTERACTIVE = (BUTTON, *SELECTS)
V2_TOP_LEVEL = (ACTION_ROW, TEXT_DISPLAY, SECTION, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER)
CONTAINER_CHILDREN = (ACTION_ROW, TEXT_DISPLAY, SECTION, MEDIA_GALLERY, SEPARATOR, FILE)
LINK, PREMIUM = 5, 6

MAX_V2_COMPONENTS = 40
MAX_V2_TEXT = 4000
MAX_ROWS = 5

Where = tuple[str | int, ...]


def bad(where: Where, message: str, code: str = "BASE_TYPE_INVALID") -> FormError:
    return FormError(where, message, code)


def given(component: dict[str, Any], key: str, default: Any) -> Any:
    """A field's value, its default when absent or null (discord.py sends nulls)."""
    value = component.get(key)
    return default if value is None else value


def check_length(
    value: Any, where: Where, *, low: int = 0, high: int, required: bool = False
) -> None:
    if value is None:
        if required:
            raise bad(where, "This field is required", "BASE_TYPE_REQUIRED")
        return
    if not isinstance(value, str) or not low <= len(value) <= high:
        raise bad(where, f"Must be between {low} and {high} in length.", "BASE_TYPE_BAD_LENGTH")


class ComponentCheck:
    """Walks one message's components, counting them and their text."""

    def __init__(self, filenames: set[str], v2: bool) -> None:
        self.filenames = filenames
        self.v2 = v2
        self.count = 0
        self.text = 0
        self.custom_ids: set[str] = set()
        self.ids: set[int] = set()

    def message(self, components: list[dict[str, Any]]) -> None:
        if not isinstance(components, list):
            raise bad(("components",), "Must be an array")
        if not self.v2 and len(components) > MAX_ROWS:
            raise bad(("components",), "Must be 5 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        allowed = V2_TOP_LEVEL if self.v2 else (ACTION_ROW,)
        for index, component in enumerate(components):
            self.component(component, ("components", index), allowed)
        if self.v2 and self.count > MAX_V2_COMPONENTS:
            raise bad(
                ("components",),
                f"Must be {MAX_V2_COMPONENTS} or fewer in total.",
                "BASE_TYPE_MAX_LENGTH",
            )
        if self.v2 and self.text > MAX_V2_TEXT:
            raise bad(
                ("components",),
                f"Text display content must be {MAX_V2_TEXT} or fewer characters in total.",
                "BASE_TYPE_MAX_LENGTH",
            )

    def component(self, component: Any, where: Where, allowed: tuple[int, ...]) -> None:
        if not isinstance(component, dict) or "type" not in component:
            raise bad(where, "Must be a component object", "MODEL_TYPE_CONVERT")
        kind = component["type"]
        if kind not in allowed:
            raise bad(
                (*where, "type"), f"Component type {kind} is not allowed here", "UNION_TYPE_CHOICES"
            )
        self.count += 1
        own_id = component.get("id")
        if own_id is not None:
            if own_id in self.ids:
                raise bad((*where, "id"), "Component ids must be unique", "COMPONENT_ID_DUPLICATED")
            self.ids.add(own_id)
        check = getattr(self, f"_type_{kind}", None)
        if check is None:
            raise bad((*where, "type"), f"Unknown component type {kind}", "UNION_TYPE_CHOICES")
        check(component, where)

    def _children(self, component: dict[str, Any], where: Where, low: int, high: int) -> list[Any]:
        children = component.get("components")
        if not isinstance(children, list) or not low <= len(children) <= high:
            raise bad(
                (*where, "components"),
                f"Must be between {low} and {high} in length.",
                "BASE_TYPE_BAD_LENGTH",
            )
        return children

    def _custom_id(self, component: dict[str, Any], where: Where) -> None:
        custom_id = component.get("custom_id")
        check_length(custom_id, (*where, "custom_id"), low=1, high=100, required=True)
        if custom_id in self.custom_ids:
            raise bad(
                (*where, "custom_id"),
                "Component custom id cannot be duplicated",
                "COMPONENT_CUSTOM_ID_DUPLICATED",
            )
        self.custom_ids.add(custom_id)

    def _media(self, media: Any, where: Where, *, attachment_only: bool = False) -> None:
        url = media.get("url") if isinstance(media, dict) else None
        if not isinstance(url, str) or not url:
            raise bad((*where, "url"), "This field is required", "BASE_TYPE_REQUIRED")
        if url.startswith("attachment://"):
            name = url.removeprefix("attachment://")
            if name not in self.filenames:
                raise bad(
                    (*where, "url"),
                    f"No attachment named {name!r} was sent",
                    "UNFURLED_MEDIA_ITEM_ATTACHMENT_NOT_FOUND",
                )
        elif attachment_only or not url.startswith(("http://", "https://")):
            raise bad(
                (*where, "url"),
                "Scheme must be one of ('attachment',)"
                if attachment_only
                else "Not a well formed URL.",
                "URL_TYPE_INVALID_SCHEME",
            )

    def _type_1(self, row: dict[str, Any], where: Where) -> None:
        children = self._children(row, where, 1, 5)
        kinds = {c.get("type") for c in children if isinstance(c, dict)}
        if kinds & set(SELECTS) and len(children) > 1:
            raise bad(
                (*where, "components"),
                "A select fills the whole row",
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            )
        for index, child in enumerate(children):
            self.component(child, (*where, "components", index), INTERACTIVE)

    def _type_2(self, button: dict[str, Any], where: Where) -> None:
        style = button.get("style")
        if style not in (1, 2, 3, 4, LINK, PREMIUM):
            raise bad(
                (*where, "style"), "Value must be one of {1, 2, 3, 4, 5, 6}.", "BASE_TYPE_CHOICES"
            )
        check_length(button.get("label"), (*where, "label"), high=80)
        if style == LINK:
            if "custom_id" in button or not button.get("url"):
                raise bad(
                    where, "A link button has a url and no custom_id", "BUTTON_COMPONENT_INVALID"
                )
            check_length(button["url"], (*where, "url"), low=1, high=512)
        elif style != PREMIUM:
            if "url" in button:
                raise bad(
                    (*where, "url"), "Only link buttons have a url", "BUTTON_COMPONENT_INVALID"
                )
            self._custom_id(button, where)

    def _select(self, select: dict[str, Any], where: Where) -> None:
        self._custom_id(select, where)
        check_length(select.get("placeholder"), (*where, "placeholder"), high=150)
        low, high = given(select, "min_values", 1), given(select, "max_values", 1)
        if not 0 <= low <= 25 or not 1 <= high <= 25 or low > high:
            raise bad(
                (*where, "min_values"),
                "min_values and max_values out of range",
                "BASE_TYPE_BAD_INT",
            )

    def _type_3(self, select: dict[str, Any], where: Where) -> None:
        self._select(select, where)
        options = select.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= 25:
            raise bad(
                (*where, "options"), "Must be between 1 and 25 in length.", "BASE_TYPE_BAD_LENGTH"
            )
        for index, option in enumerate(options):
            for key, high in (("label", 100), ("value", 100), ("description", 100)):
                check_length(
                    option.get(key),
                    (*where, "options", index, key),
                    low=1,
                    high=high,
                    required=key != "description",
                )

    _type_5 = _type_6 = _type_7 = _type_8 = _select

    def _type_9(self, section: dict[str, Any], where: Where) -> None:
        if not self.v2:
            raise bad(
                (*where, "type"), "Sections need the IS_COMPONENTS_V2 flag", "UNION_TYPE_CHOICES"
            )
        for index, child in enumerate(self._children(section, where, 1, 3)):
            self.component(child, (*where, "components", index), (TEXT_DISPLAY,))
        accessory = section.get("accessory")
        if accessory is None:
            raise bad((*where, "accessory"), "This field is required", "BASE_TYPE_REQUIRED")
        self.component(accessory, (*where, "accessory"), (BUTTON, THUMBNAIL))

    def _type_10(self, text: dict[str, Any], where: Where) -> None:
        content = text.get("content")
        check_length(content, (*where, "content"), low=1, high=MAX_V2_TEXT, required=True)
        self.text += len(content)

    def _type_11(self, thumbnail: dict[str, Any], where: Where) -> None:
        self._media(thumbnail.get("media"), (*where, "media"))
        check_length(thumbnail.get("description"), (*where, "description"), high=1024)

    def _type_12(self, gallery: dict[str, Any], where: Where) -> None:
        items = gallery.get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= 10:
            raise bad(
                (*where, "items"), "Must be between 1 and 10 in length.", "BASE_TYPE_BAD_LENGTH"
            )
        for index, item in enumerate(items):
            self._media(item.get("media"), (*where, "items", index, "media"))
            check_length(
                item.get("description"), (*where, "items", index, "description"), high=1024
            )

    def _type_13(self, file: dict[str, Any], where: Where) -> None:
        self._media(file.get("file"), (*where, "file"), attachment_only=True)

    def _type_14(self, separator: dict[str, Any], where: Where) -> None:
        if given(separator, "spacing", 1) not in (1, 2):
            raise bad((*where, "spacing"), "Value must be one of {1, 2}.", "BASE_TYPE_CHOICES")

    def _type_17(self, container: dict[str, Any], where: Where) -> None:
        color = container.get("accent_color")
        if color is not None and not (isinstance(color, int) and 0 <= color <= 0xFFFFFF):
            raise bad(
                (*where, "accent_color"),
                "Int value should be between 0 and 16777215",
                "NUMBER_TYPE_MAX",
            )
        for index, child in enumerate(self._children(container, where, 1, 40)):
            self.component(child, (*where, "components", index), CONTAINER_CHILDREN)


def check_components(data: dict[str, Any], flags: int, filenames: set[str]) -> None:
    """Refuse what Discord refuses in a message's `components` given its flags."""
    v2 = bool(flags & IS_COMPONENTS_V2)
    if v2:
        for key in ("content", "embeds", "poll", "sticker_ids"):
            if data.get(key):
                raise bad(
                    (key,),
                    f"Cannot send {key} with the IS_COMPONENTS_V2 flag",
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                )
    if "components" in data and data["components"] is not None:
        ComponentCheck(filenames, v2).message(data["components"])


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component at every depth: rows, sections and their accessory, containers,
    labels and their child."""
    found = []
    for component in components:
        found.append(component)
        found += walk(component.get("components", []))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                found += walk([component[key]])
    return found


def custom_ids(components: list[dict[str, Any]]) -> set[str]:
    return {c["custom_id"] for c in walk(components) if "custom_id" in c}
