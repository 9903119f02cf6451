/* The main menu's groups are <details> elements: they open without script. This only closes an
   open group when another opens, on a click elsewhere, and on Escape. */
(function () {
  "use strict";
  function groups() { return document.querySelectorAll(".mainnav details.navgroup"); }
  function closeAll(except) {
    groups().forEach(function (d) { if (d !== except) { d.removeAttribute("open"); } });
  }
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (d.matches && d.matches("details.navgroup") && d.open) { closeAll(d); }
  }, true);
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest("details.navgroup")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      var open = document.querySelector("details.navgroup[open]");
      closeAll(null);
      if (open) { open.querySelector("summary").focus(); }
    }
  });
})();
