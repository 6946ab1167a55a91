// Add and remove goods lines on the draft form without a page reload (the row comes from the server).
(function () {
  var box = document.getElementById("goods-lines");
  var add = document.getElementById("add-line");
  if (!box || !add) return;
  add.addEventListener("click", function () {
    var index = parseInt(add.dataset.next, 10);
    add.dataset.next = String(index + 1);
    fetch(add.dataset.url + "?index=" + index, {credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        box.insertAdjacentHTML("beforeend", html);
        var inputs = box.lastElementChild.querySelectorAll("input");
        if (inputs.length) inputs[0].focus();
      });
  });
  box.addEventListener("click", function (event) {
    if (!event.target.classList.contains("remove-line")) return;
    var row = event.target.closest(".goods-line");
    if (row && box.querySelectorAll(".goods-line").length > 1) row.remove();
    else if (row) row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
  });
})();
