// Import progress page: asks the status address every second and updates the bar in place; reloads the page when
// the job has finished (or the answer is not understood). Without JavaScript the page's <noscript> refresh does it.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) { return; }
  var bar = document.getElementById("import-bar");
  var phase = document.getElementById("import-phase");
  var text = document.getElementById("import-text");
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", box.getAttribute("data-status"));
    xhr.onload = function () {
      var s = null;
      try { s = xhr.status === 200 ? JSON.parse(xhr.responseText) : null; } catch (e) { s = null; }
      if (!s || s.finished) { window.location.reload(); return; }
      phase.textContent = s.label;
      text.textContent = s.text;
      if (s.percent === null) { bar.removeAttribute("value"); } else { bar.value = s.percent; }
      window.setTimeout(poll, 1000);
    };
    xhr.onerror = function () { window.setTimeout(function () { window.location.reload(); }, 2000); };
    xhr.send();
  }
  window.setTimeout(poll, 1000);
})();
