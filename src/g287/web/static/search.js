// Search in the browser, for the static site: the same names and the same scoring as the live search
// (g287.store.queries.search_ledger): a name containing the text scores 1, otherwise the mean over the
// query's words of the best Jaro-Winkler similarity with a word of the name; 0.88 or more is shown.
(function () {
  "use strict";
  var list = document.getElementById("client-results");
  var q = new URLSearchParams(window.location.search).get("q");
  if (!list || !q) { return; }
  var input = document.getElementById("q-page");
  if (input) { input.value = q; }

  function plain(text) {
    return text.toLowerCase().replace(/'/g, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  function jaro(a, b) {
    if (a === b) { return 1; }
    var range = Math.max(Math.floor(Math.max(a.length, b.length) / 2) - 1, 0);
    var aHit = [], bHit = [], matches = 0, i, j;
    for (i = 0; i < a.length; i++) {
      for (j = Math.max(0, i - range); j < Math.min(b.length, i + range + 1); j++) {
        if (!bHit[j] && a[i] === b[j]) { aHit[i] = bHit[j] = true; matches++; break; }
      }
    }
    if (!matches) { return 0; }
    var k = 0, transpositions = 0;
    for (i = 0; i < a.length; i++) {
      if (!aHit[i]) { continue; }
      while (!bHit[k]) { k++; }
      if (a[i] !== b[k]) { transpositions++; }
      k++;
    }
    return (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  }

  function jaroWinkler(a, b) {
    var sim = jaro(a, b), prefix = 0;
    while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) { prefix++; }
    return sim > 0.7 ? sim + prefix * 0.1 * (1 - sim) : sim;  // the prefix bonus only above 0.7, as DuckDB
  }

  function score(query, words, row) {
    var text = plain(row[2]);
    if (text.indexOf(query) >= 0 || row[1].toLowerCase() === query) { return 1; }
    var names = text.split(" "), total = 0;
    words.forEach(function (w) {
      var best = 0;
      names.forEach(function (n) { best = Math.max(best, jaroWinkler(n, w)); });
      total += best;
    });
    return total / words.length;
  }

  var query = plain(q);
  if (!query) { return; }
  var words = query.split(" ");
  fetch(list.dataset.index).then(function (r) { return r.json(); }).then(function (rows) {
    var found = rows.map(function (row) { return { row: row, score: Math.round(score(query, words, row) * 1000) / 1000 }; })
      .filter(function (r) { return r.score >= 0.88; });
    found.sort(function (x, y) {
      return (y.score - x.score) || ((x.row[0] === "agency") - (y.row[0] === "agency")) ||
        (x.row[2].length - y.row[2].length) || (x.row[2] < y.row[2] ? -1 : x.row[2] > y.row[2] ? 1 : 0);
    });
    var paths = { agency: "/agencies/", county: "/counties/", state: "/states/" };
    found.slice(0, 20).forEach(function (r) {
      var item = document.createElement("li"), link = document.createElement("a"), note = document.createElement("small");
      link.href = list.dataset.home + paths[r.row[0]] + encodeURIComponent(r.row[1]);
      link.textContent = r.row[2];
      note.textContent = " " + list.dataset["label" + r.row[0][0].toUpperCase() + r.row[0].slice(1)] +
        (r.row[0] !== "state" ? ", " + r.row[3] : "");
      item.appendChild(link);
      item.appendChild(note);
      list.appendChild(item);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = list.dataset.labelNone;
      list.appendChild(none);
    }
    list.hidden = false;
  });
})();
