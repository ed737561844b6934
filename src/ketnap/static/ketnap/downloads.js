// Links to files the server takes seconds to make (a PDF: LibreOffice) carry data-busy="<what to say>".
// On a click the link says so at once, with a spinner, and ignores further clicks (one render, not two); the
// browser still downloads the file itself, as without JavaScript. The click leaves a cookie ketnap_download=<token>;
// the server answers the file with ketnap_downloaded=<token> (web/middleware.py), and the link comes back then.
// If the server answers with a page instead (an error), the browser simply shows that page.
(function () {
  "use strict";
  var ASKED = "ketnap_download", DONE = "ketnap_downloaded", PATIENCE = 180000; // ms: LibreOffice's limit and more

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? found.slice(name.length + 1) : "";
  }
  function setCookie(name, value, seconds) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + seconds + "; SameSite=Lax";
  }
  function restore(link) {
    if (!link.hasAttribute("data-label")) { return; }
    window.clearInterval(Number(link.getAttribute("data-timer")));
    link.innerHTML = link.getAttribute("data-label");
    link.removeAttribute("data-label");
    link.removeAttribute("data-timer");
    link.removeAttribute("aria-busy");
    link.removeAttribute("aria-disabled");
    link.classList.remove("busy");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy]") : null;
    if (!link) { return; }
    if (link.hasAttribute("data-label")) { event.preventDefault(); return; } // already being made: no second render
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var token = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    setCookie(ASKED, token, 300);
    var started = Date.now();
    link.setAttribute("data-label", link.innerHTML);
    link.setAttribute("aria-busy", "true");
    link.setAttribute("aria-disabled", "true");
    link.classList.add("busy");
    link.innerHTML = '<span class="spinner" aria-hidden="true"></span> ';
    link.appendChild(document.createTextNode(link.getAttribute("data-busy")));
    link.setAttribute("data-timer", String(window.setInterval(function () {
      if (cookie(DONE) === token || Date.now() - started > PATIENCE) {
        setCookie(ASKED, "", 0);
        setCookie(DONE, "", 0);
        restore(link);
      }
    }, 250)));
  });

  // back from an error page (the page comes out of the browser's cache as it was left): links work again
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("a[data-busy][data-label]"), restore);
  });
})();
