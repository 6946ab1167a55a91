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

// The error summary (partials/error_summary.html) takes focus when the page loads, so that the reader (and a screen
// reader) starts from what went wrong; each of its links moves focus to its field, label in view.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  const details = field.closest("details");
  if (details) details.open = true;
  const label = document.querySelector(`label[for='${CSS.escape(field.id)}']`) || field;
  label.scrollIntoView({block: "start"});
  field.focus({preventScroll: true});
});
