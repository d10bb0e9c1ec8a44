// County map of 287(g) coverage with a time slider. Data comes from the site's own JSON API.
(function () {
  "use strict";
  var map = document.getElementById("map");
  if (!map || !window.d3 || !window.topojson) { return; }
  var colours = { JEM: "#E69F00", TFM: "#0072B2", WSO: "#009E73", multi: "#CC79A7", none: "#e8e8e8" };
  var state = map.dataset.state || null;
  var slider = document.getElementById("slider");
  var output = document.getElementById("slider-date");
  var dates = slider ? slider.dataset.dates.split(",") : [];
  var formatDate = function (iso) {
    return new Date(iso + "T12:00:00Z").toLocaleDateString(map.dataset.locale, { year: "numeric", month: "long", day: "numeric" });
  };
  var formatNumber = function (n) { return Number(n).toLocaleString(map.dataset.locale); };
  var svgNS = "http://www.w3.org/2000/svg";
  var paths = {};
  var centroids = {};
  var points = null;

  function colour(models) {
    if (!models) { return colours.none; }
    return models.indexOf("+") >= 0 ? colours.multi : colours[models];
  }

  function paint(coverage) {
    var covered = {};
    coverage.counties.forEach(function (c) { covered[c.county_fips] = c; });
    Object.keys(paths).forEach(function (fips) {
      var row = covered[fips];
      var path = paths[fips];
      path.setAttribute("fill", colour(row && row.models));
      path.firstChild.textContent = path.dataset.name + ": " + (row ? row.models + ", " + formatNumber(row.residents_covered) : map.dataset.labelNone);
    });
    while (points.firstChild) { points.removeChild(points.firstChild); }
    coverage.counties.forEach(function (c) {
      var at = centroids[c.county_fips];
      if (!at || !c.coverage_kinds || c.coverage_kinds.indexOf("municipal police") < 0) { return; }
      var dot = document.createElementNS(svgNS, "circle");
      dot.setAttribute("cx", at[0]);
      dot.setAttribute("cy", at[1]);
      dot.setAttribute("r", 2.5);
      dot.setAttribute("class", "police");
      var title = document.createElementNS(svgNS, "title");
      title.textContent = c.county_name + ": " + map.dataset.labelPolice;
      dot.appendChild(title);
      points.appendChild(dot);
    });
    var residents = document.getElementById("count-residents");
    if (residents) { residents.textContent = formatNumber(coverage.total.residents_covered); }
    map.dataset.painted = coverage.as_of;
  }

  var localOnly = document.getElementById("local-only");
  var shown = null;

  function json(response) {
    if (!response.ok) { throw new Error(response.url + ": " + response.status); }
    return response.json();
  }

  // A static copy of the site (g287 publish) cannot answer a question per date. It has the coverage and counts
  // of every slider date in one file instead (data-timeline): once the live API fails, the map reads that. Only
  // without it (a host missing the file) the map shows the newest list and turns the date controls off, saying why.
  var frozen = false;
  var timeline = null;

  function freeze() {
    frozen = true;
    [slider, document.getElementById("play"), localOnly].forEach(function (control) {
      if (control) { control.disabled = true; }
    });
    if (output && map.dataset.labelStatic) { output.textContent += " (" + map.dataset.labelStatic + ")"; }
  }

  function staticData() {
    if (!timeline) {
      timeline = fetch(map.dataset.timeline).then(json).catch(function () { return null; });
    }
    return timeline;
  }

  function dateIndex(data, asOf) {
    var i = asOf ? data.dates.indexOf(asOf) : -1;
    return i >= 0 ? i : data.dates.length - 1;
  }

  // What /api/v1/coverage answers for a date, from the timeline: each county's value is the last one begun on
  // or before the date.
  function coverageFrom(data, asOf) {
    var i = dateIndex(data, asOf);
    var series = localOnly && localOnly.checked ? data.local_counties : data.counties;
    var coverage = { as_of: data.dates[i], counties: [], total: { residents_covered: 0 } };
    Object.keys(series).forEach(function (fips) {
      if (map.dataset.fips && fips.slice(0, 2) !== map.dataset.fips) { return; }
      var value = null;
      series[fips].forEach(function (v) { if (v[0] <= i) { value = v; } });
      if (!value || !value[1]) { return; }
      coverage.counties.push({ county_fips: fips, models: value[1], coverage_kinds: value[2], residents_covered: value[3],
                               county_name: paths[fips] ? paths[fips].dataset.name : fips });
      coverage.total.residents_covered += value[3];
    });
    return coverage;
  }

  function loadStatic(asOf) {
    return staticData().then(function (data) {
      if (data) { return paint(coverageFrom(data, asOf)); }
      freeze();
      return fetch(map.dataset.coverage.split("?")[0] + ".json").then(json).then(paint);
    });
  }

  function load(asOf) {
    shown = asOf;
    if (frozen) { return Promise.resolve(); }
    if (timeline) { return loadStatic(asOf); }
    var url = map.dataset.coverage + (map.dataset.coverage.indexOf("?") >= 0 ? "&" : "?") + (asOf ? "as_of=" + asOf : "")
      + (localOnly && localOnly.checked ? "&local_only=true" : "");
    return fetch(url).then(json).then(paint, function () { return loadStatic(asOf); });
  }

  function showCounts(c) {
    document.getElementById("count-agreements").textContent = formatNumber(c.agreements);
    document.getElementById("count-agencies").textContent = formatNumber(c.agencies);
    ["JEM", "TFM", "WSO"].forEach(function (m) { document.getElementById("count-" + m).textContent = formatNumber(c.by[m] || 0); });
    var label = c.basis === "intervals" ? map.dataset.labelInForce : map.dataset.labelDate;
    document.getElementById("count-date").textContent = label + " " + formatDate(c.publication_date || c.as_of) + ":";
  }

  function loadCounts(asOf) {
    if (!map.dataset.counts || frozen) { return; }
    function fromStatic() {
      return staticData().then(function (data) {
        if (data) { showCounts(Object.assign({ as_of: asOf }, data.counts[dateIndex(data, asOf)])); }
      });
    }
    if (timeline) { fromStatic(); return; }
    fetch(map.dataset.counts + "?by=model&as_of=" + asOf).then(json).then(showCounts, fromStatic);
  }

  function draw(topology) {
    var counties = topojson.feature(topology, topology.objects.counties);
    if (state) {
      counties.features = counties.features.filter(function (f) { return f.id.slice(0, 2) === map.dataset.fips; });
    }
    var projection = d3.geoAlbersUsa().fitSize([975, 610], counties);
    var geoPath = d3.geoPath(projection);
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 975 610");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", map.getAttribute("aria-label") || "");
    counties.features.forEach(function (f) {
      var d = geoPath(f);
      if (!d) { return; }
      var path = document.createElementNS(svgNS, "path");
      path.setAttribute("d", d);
      path.setAttribute("class", "county");
      path.dataset.name = f.properties.name;
      path.appendChild(document.createElementNS(svgNS, "title"));
      paths[f.id] = path;
      centroids[f.id] = geoPath.centroid(f);
      svg.appendChild(path);
    });
    points = document.createElementNS(svgNS, "g");
    svg.appendChild(points);
    map.textContent = "";
    map.appendChild(svg);
  }

  fetch(map.dataset.topology).then(function (r) { return r.json(); }).then(function (topology) {
    draw(topology);
    return load(slider ? dates[dates.length - 1] : null);
  });

  if (localOnly) {
    localOnly.addEventListener("change", function () { load(shown); });
  }

  if (slider) {
    var timer = null;
    var pending = null;
    slider.addEventListener("input", function () {
      var date = dates[Number(slider.value)];
      output.textContent = formatDate(date);
      slider.setAttribute("aria-valuetext", formatDate(date));
      clearTimeout(pending);
      pending = setTimeout(function () { load(date); loadCounts(date); }, 120);
    });
    document.getElementById("play").addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; return; }
      slider.value = 0;
      timer = setInterval(function () {
        if (Number(slider.value) >= dates.length - 1) { clearInterval(timer); timer = null; return; }
        slider.value = Math.min(dates.length - 1, Number(slider.value) + 4);
        slider.dispatchEvent(new Event("input"));
      }, 400);
    });
  }
})();
