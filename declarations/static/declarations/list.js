// The status drop-down of the list filter bar closes on a click elsewhere or on Escape.
(function () {
  var menus = document.querySelectorAll("details.dropdown");
  if (!menus.length) return;
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) { if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); } });
  });
})();
