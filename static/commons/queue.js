// The moderation queue's "Select all on this page": one real checkbox that ticks or clears
// every item's box, shows a partial selection as mixed (screen readers say "mixed"), and a
// polite count of what is selected. Without this script the box stays hidden and each item
// is ticked on its own. No dependencies.
(function () {
  "use strict";

  function setUp() {
    var all = document.getElementById("select-all");
    if (!all || !all.form) {
      return;
    }
    var boxes = Array.prototype.slice.call(
      all.form.querySelectorAll('input[type="checkbox"][name="cases"]')
    );
    if (!boxes.length) {
      return;
    }
    var count = document.getElementById("selected-count");

    function sync() {
      var ticked = boxes.filter(function (box) {
        return box.checked;
      }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      if (count) {
        count.textContent = ticked ? ticked + " of " + boxes.length + " selected" : "";
      }
    }

    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = all.checked;
      });
      sync();
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", sync);
    });
    // Back and forward restore the boxes a moderator ticked: show them as they are.
    window.addEventListener("pageshow", sync);
    all.closest(".queue-select-all").hidden = false;
    if (count) {
      count.hidden = false;
    }
    sync();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
