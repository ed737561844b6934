// Member lists (templates/web/_member_picker.html): a filter box narrows the list as one types, diacritics or not.
// Each row carries its text folded on the server (ketnap.vietnamese.fold) in data-fold; what is typed is folded by
// the same rule (đ → d, marks dropped, lower case), both are cut into words at anything not a letter or a digit, and
// every word typed must begin a word of the row, as in every search of ketnap (ketnap.registry.search): "an" finds
// An and Anh, not Lan. Ticked rows stay in view. Without this script the box stays hidden and the whole list works.
(function () {
  "use strict";

  function words(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  }

  function begins(rowWords, typed) {
    return rowWords.some(function (word) { return word.lastIndexOf(typed, 0) === 0; });
  }

  function wire(picker) {
    var box = picker.querySelector(".picker-filter");
    var rows = Array.prototype.slice.call(picker.querySelectorAll(".picker-row[data-fold]"));
    var rowWords = rows.map(function (row) { return words(row.getAttribute("data-fold")); });
    var groups = picker.querySelectorAll(".picker-group");
    var nomatch = picker.querySelector(".picker-nomatch");
    if (!box) { return; }
    box.hidden = false;
    function narrow() {
      var typed = words(box.value);
      var shown = 0;  // rows that match (ticked ones stay in view anyway)
      rows.forEach(function (row, index) {
        var match = typed.every(function (w) { return begins(rowWords[index], w); });
        row.hidden = !(match || row.querySelector("input").checked);
        if (match) { shown += 1; }
      });
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector(".picker-row[data-fold]:not([hidden])");
      });
      if (nomatch) { nomatch.hidden = shown > 0; }
    }
    box.addEventListener("input", narrow);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter filters; it does not send the form
    });
    if (box.value) { narrow(); }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), wire);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
