(function () {
  "use strict";
  var panel = document.getElementById("finding-filters");
  var table = document.getElementById("findings-table");
  var count = document.getElementById("filter-count");
  if (!panel || !table || !count) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-severity]"));
  var boxes = Array.prototype.slice.call(panel.querySelectorAll("input[type=checkbox]"));
  var keys = { severity: "sev", status: "status" };
  function apply() {
    var on = { severity: {}, status: {} };
    boxes.forEach(function (box) { if (box.checked) { on[box.name][box.value] = true; } });
    var shown = 0;
    rows.forEach(function (row) {
      var show = on.severity[row.getAttribute("data-severity")] === true &&
        on.status[row.getAttribute("data-status")] === true;
      row.hidden = !show;
      if (show) { shown += 1; }
    });
    count.textContent = shown === rows.length ?
      "Showing all " + rows.length + " findings." :
      "Filtered: showing " + shown + " of " + rows.length + " findings.";
  }
  function fromHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    boxes.forEach(function (box) {
      var wanted = params.get(keys[box.name]);
      if (wanted !== null) { box.checked = wanted.split(",").indexOf(box.value) !== -1; }
    });
    apply();
  }
  function set(name, values) {
    boxes.forEach(function (box) {
      if (box.name === name) { box.checked = values === null || values.indexOf(box.value) !== -1; }
    });
  }
  panel.addEventListener("change", apply);
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-preset]");
    if (!button) { return; }
    var preset = button.getAttribute("data-preset");
    set("severity", null);
    set("status", preset === "unresolved" ? ["open", "partially-mitigated"] : null);
    apply();
  });
  window.addEventListener("hashchange", fromHash);
  panel.hidden = false;
  fromHash();
}());
