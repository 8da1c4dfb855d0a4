/* The facets of a browse page (heritage_graph/web/facets.py): the rows of the listing are kept
   when they have one of the values chosen in every facet with a choice, and when the span of
   their years meets each range given. Beside each value, how many rows have it among those the
   other facets keep. The address keeps the choice (?type=…&years-from=…), so that a filtered
   listing can be linked to. */
(function () {
  "use strict";

  window.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("facets");
    if (!form) { return; }
    var facets = Array.prototype.map.call(form.querySelectorAll("fieldset[data-facet]"), function (set) {
      return { name: set.getAttribute("data-facet"), kind: set.getAttribute("data-kind"), set: set };
    });
    var rows = Array.prototype.map.call(document.querySelectorAll("table.listing tbody tr"), function (tr) {
      var values = {};
      facets.forEach(function (f) {
        var given = tr.getAttribute("data-f-" + f.name);
        var keys = given ? given.split(" ") : [];
        values[f.name] = f.kind === "years" ? keys.map(Number) : keys;
      });
      return { tr: tr, values: values };
    });
    var shown = document.getElementById("shown-count");

    function number(input) {
      var text = input ? input.value.trim() : "";
      return text === "" || isNaN(Number(text)) ? null : Number(text);
    }

    function chosen() {
      var choice = {};
      facets.forEach(function (f) {
        if (f.kind === "years") {
          var from = number(form.elements[f.name + "-from"]);
          var to = number(form.elements[f.name + "-to"]);
          if (from !== null || to !== null) { choice[f.name] = { from: from, to: to }; }
        } else {
          var keys = Array.prototype.filter.call(f.set.querySelectorAll("input[type=checkbox]"), function (box) {
            return box.checked;
          }).map(function (box) { return box.value; });
          if (keys.length) { choice[f.name] = keys; }
        }
      });
      return choice;
    }

    function keeps(row, f, wanted) {
      var mine = row.values[f.name];
      if (f.kind === "years") {
        if (mine.length < 2) { return false; }
        return (wanted.from === null || mine[1] >= wanted.from) && (wanted.to === null || mine[0] <= wanted.to);
      }
      return mine.some(function (key) { return wanted.indexOf(key) >= 0; });
    }

    function keptBy(row, choice, except) {
      return facets.every(function (f) {
        return f.name === except || !(f.name in choice) || keeps(row, f, choice[f.name]);
      });
    }

    function apply(remember) {
      var choice = chosen();
      var count = 0;
      rows.forEach(function (row) {
        var kept = keptBy(row, choice, null);
        row.tr.hidden = !kept;
        if (kept) { count += 1; }
      });
      facets.forEach(function (f) {
        if (f.kind === "years") { return; }
        var counts = {};
        rows.forEach(function (row) {
          if (keptBy(row, choice, f.name)) {
            row.values[f.name].forEach(function (key) { counts[key] = (counts[key] || 0) + 1; });
          }
        });
        Array.prototype.forEach.call(f.set.querySelectorAll("[data-count]"), function (small) {
          small.textContent = "(" + (counts[small.getAttribute("data-count")] || 0).toLocaleString("en") + ")";
        });
      });
      if (shown) {
        shown.textContent = Object.keys(choice).length
          ? count.toLocaleString("en") + " of " + rows.length.toLocaleString("en")
          : rows.length.toLocaleString("en");
      }
      if (remember) {
        var query = new URLSearchParams(new FormData(form));
        Array.from(query.keys()).forEach(function (key) {
          if (query.get(key) === "") { query.delete(key); }
        });
        var text = query.toString();
        window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : ""));
      }
    }

    var asked = new URLSearchParams(window.location.search);
    facets.forEach(function (f) {
      if (f.kind === "years") {
        ["-from", "-to"].forEach(function (end) {
          var input = form.elements[f.name + end];
          if (input && asked.has(f.name + end)) { input.value = asked.get(f.name + end); }
        });
      } else {
        var wanted = asked.getAll(f.name);
        Array.prototype.forEach.call(f.set.querySelectorAll("input[type=checkbox]"), function (box) {
          box.checked = wanted.indexOf(box.value) >= 0;
        });
      }
    });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
    apply(false);
  });
})();
