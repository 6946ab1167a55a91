"""Driving a page by the keyboard alone (Tab, Shift-Tab, Enter, Space, arrow keys and typing), as a user without a
mouse does: no clicks and no element.click(). Every stop of the focus is checked for a visible focus indicator."""

# The focused element, its computed focus indicator and a short description for messages.
_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), name: el.getAttribute("name") || "", id: el.id,
            text: (el.innerText || el.value || "").trim().slice(0, 40),
            outline: style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0,
            shadow: style.boxShadow !== "none", visible: box.width > 0 && box.height > 0
                && box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth};
}"""
MIN_OUTLINE_PX = 2  # WCAG 2.2's focus appearance asks for an indicator at least 2 CSS pixels thick
MAX_STOPS = 250


class FocusNotVisible(AssertionError):
    pass


def focused(page) -> dict | None:
    return page.evaluate(_FOCUS)


def assert_visible_focus(page) -> dict:
    """The focused element is on screen and shows a focus indicator (an outline at least 2 px, or a box-shadow)."""
    stop = focused(page)
    assert stop is not None, f"focus was lost (on the body) at {page.url}"
    if not stop["visible"] or not (stop["outline"] >= MIN_OUTLINE_PX or stop["shadow"]):
        raise FocusNotVisible(f"no visible focus on {stop} at {page.url}")
    return stop


def press(page, key: str) -> dict:
    """Press ``key`` and check where the focus lands."""
    page.keyboard.press(key)
    return assert_visible_focus(page)


def tab_to(page, selector: str, *, backwards: bool = False) -> dict:
    """Tab (Shift-Tab when ``backwards``) until the focused element matches ``selector`` (no key when it already
    does); every stop on the way must show its focus."""
    if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
        return assert_visible_focus(page)
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_STOPS):
        stop = press(page, key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return stop
    raise AssertionError(f"{selector} cannot be reached with {key} on {page.url}")


def type_text(page, text: str) -> None:
    """Replace the focused text field's value by typing ``text``."""
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def fill_by_tab(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    type_text(page, text)
    value = page.evaluate("() => document.activeElement.value")
    assert value == text, f"{selector}: typed {text!r}, the field holds {value!r}"


def type_date(page, selector: str, day) -> None:
    """A date field (the browser's picker) is typed segment by segment in the browser's own date format, which is
    that of its user-interface language (headless chromium: month, day, year), not the page's: each segment moves on
    when it is full."""
    tab_to(page, selector)
    page.keyboard.type(f"{day:%m}{day:%d}{day:%Y}")
    value = page.evaluate("() => document.activeElement.value")
    assert value == day.isoformat(), f"{selector}: typed {day}, the field holds {value!r}"


def choose(page, selector: str, value: str) -> None:
    """Pick ``value`` in a closed select with the arrow keys (Down, then Up from the end when it was above)."""
    tab_to(page, selector)
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(60):
            if page.evaluate("() => document.activeElement.value") == value:
                return
            page.keyboard.press(key)
    raise AssertionError(f"{selector}: {value!r} cannot be chosen with the arrow keys")


def activate(page, selector: str, *, key: str = "Enter", navigates: bool = False) -> None:
    """Tab to a link or button and press Enter (or Space); wait for the next page when it navigates."""
    tab_to(page, selector)
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
        page.wait_for_load_state("networkidle")
    else:
        page.keyboard.press(key)
