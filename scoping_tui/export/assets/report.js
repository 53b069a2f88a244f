(function () {
  "use strict";
  var panel = document.getElementById("finding-filters");
  var container = document.getElementById("finding-groups");
  var count = document.getElementById("filter-count");
  if (!panel || !container || !count) { return; }
  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }
  // Each element group, its rows, and each row's findings: a row of one finding is the
  // finding; a folded row holds one list item per finding.
  var groups = all(container, ".finding-group").map(function (group) {
    return {
      node: group,
      rows: all(group, "tr.entry").map(function (row) {
        return { node: row,
          findings: row.hasAttribute("data-finding") ? [row] : all(row, "[data-finding]") };
      })
    };
  });
  var total = 0;
  groups.forEach(function (group) {
    group.rows.forEach(function (row) { total += row.findings.length; });
  });
  var boxes = all(panel, "input[type=checkbox]");
  var keys = { severity: "sev", status: "status" };
  function apply() {
    var on = { severity: {}, status: {} };
    boxes.forEach(function (box) { if (box.checked) { on[box.name][box.value] = true; } });
    var shown = 0;
    groups.forEach(function (group) {
      var rowsShown = 0;
      group.rows.forEach(function (row) {
        var inRow = 0;
        row.findings.forEach(function (finding) {
          var show = on.severity[finding.getAttribute("data-severity")] === true &&
            on.status[finding.getAttribute("data-status")] === true;
          if (finding !== row.node) { finding.hidden = !show; }
          if (show) { inRow += 1; }
        });
        row.node.hidden = inRow === 0;
        if (inRow > 0) { rowsShown += 1; }
        shown += inRow;
      });
      group.node.hidden = rowsShown === 0;
    });
    count.textContent = shown === total ?
      "Showing all " + total + " findings." :
      "Filtered: showing " + shown + " of " + total + " findings.";
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
