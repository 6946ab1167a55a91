// Add and remove goods lines on the draft form without a page reload. A new row is rendered by the server
// (the formset's empty line form) and the formset's management form (TOTAL_FORMS) counts the rows handed out.
(function () {
  var box = document.getElementById("goods-lines");
  var add = document.getElementById("add-line");
  if (!box || !add) return;
  var total = document.querySelector("input[name='" + (add.dataset.prefix || "lines") + "-TOTAL_FORMS']");
  add.addEventListener("click", function () {
    var index = parseInt(total.value, 10) || 0;
    total.value = String(index + 1);
    add.disabled = true;
    fetch(add.dataset.url + "?index=" + index, {credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        box.insertAdjacentHTML("beforeend", html);
        var inputs = box.lastElementChild.querySelectorAll("input");
        if (inputs.length) inputs[0].focus();
      })
      .finally(function () { add.disabled = false; });
  });
  box.addEventListener("click", function (event) {
    if (!event.target.classList.contains("remove-line")) return;
    var row = event.target.closest(".goods-line");
    if (!row) return;
    // A removed row leaves a gap in the numbering: the server skips blank rows.
    if (box.querySelectorAll(".goods-line").length > 1) row.remove();
    else row.querySelectorAll("input").forEach(function (i) { i.value = i.name.endsWith("-currency") ? "USD" : ""; });
  });
})();
