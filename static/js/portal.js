// Menu groups are <details>: close the open one when the user clicks elsewhere or presses Escape.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.navgroup[open]").forEach((group) => {
    if (!group.contains(event.target)) group.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.querySelectorAll("details.navgroup[open]").forEach((g) => g.removeAttribute("open"));
});

// A table wider than the screen scrolls in its frame: let keyboard users reach the frame to scroll it.
function focusableScrollFrames(root) {
  root.querySelectorAll(".table-wrap").forEach((frame) => {
    if (frame.scrollWidth > frame.clientWidth) frame.setAttribute("tabindex", "0");
    else frame.removeAttribute("tabindex");
  });
}
document.addEventListener("DOMContentLoaded", () => focusableScrollFrames(document));
document.addEventListener("htmx:afterSwap", (event) => focusableScrollFrames(event.target));
window.addEventListener("resize", () => focusableScrollFrames(document));
