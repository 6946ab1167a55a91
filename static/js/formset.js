// Rows of a Django formset added and removed without a page reload. Markup (rendered by the server):
//   <div data-formset="PREFIX"> management form, <div data-formset-rows> rows </div>,
//   <template data-formset-empty> the formset's empty form, "__prefix__" where a row's index goes </template>,
//   <button type="button" data-formset-add> </div>
// Each row has data-formset-row and data-index, and may hold a <button data-formset-remove>. TOTAL_FORMS counts
// every index handed out: a removed row leaves a gap, and the server skips blank rows.
(function () {
  function fresh(formset, index) {
    var html = formset.querySelector("template[data-formset-empty]").innerHTML.replace(/__prefix__/g, index);
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  document.addEventListener("click", function (event) {
    var formset = event.target.closest("[data-formset]");
    if (!formset) return;
    var rows = formset.querySelector("[data-formset-rows]");
    if (event.target.closest("[data-formset-add]")) {
      var total = formset.querySelector("input[name='" + formset.dataset.formset + "-TOTAL_FORMS']");
      var index = parseInt(total.value, 10) || 0;
      var row = fresh(formset, index);
      rows.appendChild(row);
      if (window.htmx) window.htmx.process(row);  // its fields checked as the user types
      total.value = String(index + 1);
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
    } else if (event.target.closest("[data-formset-remove]")) {
      var removed = event.target.closest("[data-formset-row]");
      if (rows.querySelectorAll("[data-formset-row]").length > 1) removed.remove();
      else {  // the last row is emptied, not removed
        var emptied = fresh(formset, removed.dataset.index);
        removed.replaceWith(emptied);
        if (window.htmx) window.htmx.process(emptied);
      }
      // The focus was on the removed button: a keyboard user goes on from "add" rather than from the page's top.
      formset.querySelector("[data-formset-add]").focus();
    }
  });
})();
