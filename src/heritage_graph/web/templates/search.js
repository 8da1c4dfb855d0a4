/* The static site's search: Pagefind's interface, with each query reduced to its search key by the
   rules of heritage_graph/web/search.py (assets/search-rules.js holds them as data), so that
   "Карлаг" finds Karlag and "Kazlauskienė" finds Kazlauskas as on `heritage-graph serve`. */
(function () {
  "use strict";
  var rules = window.heritageGraphSearchRules;
  var folds = rules.folds.map(function (f) {
    return [new RegExp(f[0], "g"), f[1].replace(/\\(\d)/g, "$$$1")];
  });

  function fold(text) {
    var out = "";
    for (var ch of text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")) {
      out += Object.prototype.hasOwnProperty.call(rules.letters, ch) ? rules.letters[ch] : ch;
    }
    out = out.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
    folds.forEach(function (f) { out = out.replace(f[0], f[1]); });
    return out;
  }

  function stem(word) {
    for (var i = 0; i < rules.endings.length; i++) {
      var ending = rules.endings[i];
      if (word.endsWith(ending) && word.length - ending.length >= rules.minStem) {
        return word.slice(0, -ending.length);
      }
    }
    return word;
  }

  function searchKey(text) {
    return fold(text).split(" ").filter(Boolean).map(stem).join(" ");
  }
  window.heritageGraphSearchKey = searchKey;

  window.addEventListener("DOMContentLoaded", function () {
    var here = new URL(".", window.location.href).pathname;
    // A large index comes in parts (pagefind/part-2/, …): the search page names them, and
    // Pagefind searches them all as one.
    var box = document.getElementById("search");
    var merged = (box.getAttribute("data-merge") || "").split(" ").filter(Boolean);
    var ui = new window.PagefindUI({
      element: "#search", bundlePath: here + "pagefind/", baseUrl: here, showImages: false,
      showSubResults: false, resetStyles: false, processTerm: searchKey,
      mergeIndex: merged.map(function (folder) {
        return { bundlePath: new URL(folder, window.location.href).pathname, baseUrl: here };
      }),
    });
    // Only the records searched carry the page's filter (each part of the index also holds a
    // record of every word, which is never a result): every search selects it.
    var filter = (box.getAttribute("data-filter") || "").split(":");
    if (filter.length === 2) {
      var selected = {};
      selected[filter[0]] = [filter[1]];
      ui.triggerFilters(selected);
    }
    var input = document.querySelector("#search input");
    if (input) { input.setAttribute("aria-label", "Search names"); }
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
    }
  });
})();
