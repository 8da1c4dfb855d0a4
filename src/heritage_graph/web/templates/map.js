/* The site's maps, drawn by Leaflet over Natural Earth's country borders (assets/map/countries.geojson),
   so that they mean something without a network. OpenStreetMap's tiles are a layer the visitor may
   switch on: nothing is loaded from elsewhere until then.

   - A resource's map (figure.map): the points its page lists (ul.map-points), and the other
     places of the graph in grey (map/places.geojson).
   - The map page (#places-map): every place of map/places.geojson, clustered, filtered by the
     kinds and years of the form #map-filter; the address keeps the selection. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";

  function json(path) {
    return fetch(root + path).then(function (answer) {
      if (!answer.ok) { throw new Error(path + ": HTTP " + answer.status); }
      return answer.json();
    });
  }

  function baseLayers(map) {
    var borders = L.geoJSON(null, {
      interactive: false,
      style: { color: "#9a927f", weight: 1, fillColor: "#f3f1ea", fillOpacity: 1 },
    }).addTo(map);
    json("assets/map/countries.geojson").then(function (data) { borders.addData(data); });
    var tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "&copy; OpenStreetMap contributors",
    });
    L.control.layers(null, {
      "Country borders (Natural Earth)": borders,
      "OpenStreetMap (loads its tiles from openstreetmap.org)": tiles,
    }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution("Borders: Natural Earth");
  }

  function link(text, href) {
    var element = document.createElement(href ? "a" : "span");
    element.textContent = text;
    if (href) { element.href = root + href; }
    return element;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.appendChild(link(properties.label, properties.page));
    box.appendChild(title);
    var about = [properties.kind];
    if (properties.years) {
      about.push(properties.years[0] + (properties.years[1] !== properties.years[0] ? "–" + properties.years[1] : ""));
    }
    box.appendChild(document.createTextNode(" (" + about.join(", ") + ")"));
    if (properties.coordinates_from !== "own") {
      var where = document.createElement("div");
      // as the pages' captions word it (web/maps.py): "headquarters: Dolinka" → "its headquarters, Dolinka"
      where.textContent = "Shown at: its " + properties.coordinates_from.replace(": ", ", ");
      box.appendChild(where);
    }
    return box;
  }

  // A feature's markers: one per point (a camp with several locations has several).
  function markers(feature, style) {
    var geometry = feature.geometry;
    var points = geometry.type === "Point" ? [geometry.coordinates] : geometry.coordinates;
    return points.map(function (c) {
      return L.circleMarker([c[1], c[0]], style).bindPopup(function () { return popup(feature.properties); })
        .bindTooltip(feature.properties.label);
    });
  }

  var GREY = { radius: 4, color: "#6b6b6b", weight: 1, fillColor: "#8f8f8f", fillOpacity: 0.8 };
  var RED = { radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 };

  function resourceMap(element) {
    var items = Array.prototype.slice.call(element.parentNode.querySelectorAll("ul.map-points li"));
    var points = items.map(function (item) {
      return [parseFloat(item.getAttribute("data-lat")), parseFloat(item.getAttribute("data-lon"))];
    });
    var map = L.map(element, { scrollWheelZoom: false, minZoom: 2, maxZoom: 18 });
    baseLayers(map);
    var focus = L.featureGroup().addTo(map);
    var shown = {};
    items.forEach(function (item, i) {
      var anchor = item.querySelector("a");
      var label = (anchor || item).firstChild.textContent;
      var mark = L.circleMarker(points[i], RED).bindTooltip(label, { permanent: true, direction: "right" });
      if (anchor) { mark.on("click", function () { window.location.href = anchor.href; }); }
      mark.addTo(focus);
      shown[points[i][0] + "," + points[i][1]] = true;
    });
    map.fitBounds(focus.getBounds(), { maxZoom: 5, padding: [30, 30] });
    json("map/places.geojson").then(function (data) {
      var others = L.layerGroup();
      data.features.forEach(function (feature) {
        markers(feature, GREY).forEach(function (mark) {
          var at = mark.getLatLng();
          if (!shown[at.lat + "," + at.lng]) { mark.addTo(others); }
        });
      });
      others.addTo(map);
      focus.bringToFront();
    });
  }

  function placesMap(element) {
    var form = document.getElementById("map-filter");
    var count = document.getElementById("map-count");
    var map = L.map(element, { worldCopyJump: true, minZoom: 2, maxZoom: 18 }).setView([52, 60], 3);
    baseLayers(map);
    var clusters = L.markerClusterGroup({ maxClusterRadius: 40 }).addTo(map);
    var params = new URLSearchParams(window.location.search);
    var chosen = params.getAll("kind");
    form.querySelectorAll("input[name=kind]").forEach(function (box) {
      box.checked = !chosen.length || chosen.indexOf(box.value) >= 0;
    });
    ["from", "to"].forEach(function (name) {
      if (params.get(name)) { form.elements[name].value = params.get(name); }
    });
    json("map/places.geojson").then(function (data) {
      var all = data.features.map(function (feature) { return [feature, markers(feature, GREY)]; });
      function update() {
        var kinds = Array.prototype.slice.call(form.querySelectorAll("input[name=kind]:checked"))
          .map(function (box) { return box.value; });
        var from = parseInt(form.elements.from.value, 10);
        var to = parseInt(form.elements.to.value, 10);
        var shown = all.filter(function (pair) {
          var p = pair[0].properties;
          if (kinds.indexOf(p.kind) < 0) { return false; }
          if (isNaN(from) && isNaN(to)) { return true; }
          return p.years && (isNaN(from) || p.years[1] >= from) && (isNaN(to) || p.years[0] <= to);
        });
        clusters.clearLayers();
        clusters.addLayers([].concat.apply([], shown.map(function (pair) { return pair[1]; })));
        count.textContent = shown.length + " of " + all.length + " shown";
        var query = new URLSearchParams();
        if (kinds.length !== form.querySelectorAll("input[name=kind]").length) {
          kinds.forEach(function (k) { query.append("kind", k); });
        }
        if (!isNaN(from)) { query.set("from", from); }
        if (!isNaN(to)) { query.set("to", to); }
        var search = query.toString();
        window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
      }
      form.addEventListener("change", update);
      form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
      update();
    });
  }

  window.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".leaflet-map").forEach(function (element) {
      if (element.id === "places-map") { placesMap(element); } else { resourceMap(element); }
    });
  });
})();
