// Target split page: the running sum as the office types (the server shows it too after saving). A file, not an
// inline script: the Content-Security-Policy (web/middleware.py) runs scripts from ketnap's own files only.
(function () {
  "use strict";
  var sumLine = document.getElementById("tong");
  if (!sumLine) { return; }
  var inputs = document.querySelectorAll("input.share"), total = parseInt(sumLine.getAttribute("data-total"), 10);
  function update() {
    var sum = 0;
    inputs.forEach(function (i) { var v = parseInt(i.value, 10); if (!isNaN(v) && v > 0) { sum += v; } });
    document.getElementById("tong-so").textContent = sum;
    document.getElementById("lech").hidden = sum === total;
  }
  inputs.forEach(function (i) { i.addEventListener("input", update); });
})();
