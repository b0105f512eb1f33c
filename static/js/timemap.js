/* The time map of the Sahel coup-belt project, with no server: the exported HTML file and the
   static site both run it.

   Its data is JSON in the page's application/json script element #timemap-data (built by
   geo/site.py): the page's words, the borders, and under "wire" the time model (geo/timemodel.py,
   format coupbelt.timemap/1): for every metric and country the runs of classes, flat as
   [first day, class, detail, ...] (days since 2020-01-01), computed by the Python model. Moving
   the date only looks up the run holding on that day and recolours, so every frame is the model's.

   Every text from the data is put on the page with textContent; only http(s) URLs become links.
   window.timemap exposes the map and setDay/setMetric/fill for tests and embedding pages. */
(function () {
  "use strict";
  var DAY_MS = 86400000;

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function isWeb(url) { return /^https?:\/\/[^\s<>"'`]+$/i.test(url); }

  function host(url) {
    try { return new URL(url).hostname.replace(/^www[.]/, ""); } catch (e) { return url; }
  }

  // The index of the run holding on `day` in a flat run list of `width` numbers a run (the
  // wire's: first days ascending, a run lasting until the next), or -1 before the first.
  function runAt(flat, width, day) {
    var lo = 0, hi = flat.length / width - 1, k = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (flat[width * mid] <= day) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return k;
  }

  // The first view: the whole region, or on a narrow map (a phone held upright, where the
  // region is a band across the middle) West Africa and the Sahel across the map's width.
  function fitRegion(map, data) {
    var narrow = map.getSize().x < 600 && map.getSize().y > map.getSize().x;
    map.fitBounds(narrow && data.phone_bounds ? data.phone_bounds : data.bounds);
  }

  // What orients the reader, as on the live map (coupbelt.places): capitals (white squares) and
  // major cities (grey squares, named from zoom 6), unlike any round event marker, and the
  // countries' names; all in a pane that takes no clicks.
  function orient(map, data) {
    var pane = map.createPane("places");
    pane.style.zIndex = 450;  // above the countries and events (overlayPane, 400)
    pane.style.pointerEvents = "none";
    function label(text, cls, latlng, icon, offset) {
      var span = document.createElement("span");
      span.textContent = text;
      L.marker(latlng, {pane: "places", interactive: false, keyboard: false, icon: icon})
        .bindTooltip(span, {permanent: true, direction: offset ? "right" : "center",
                            offset: [offset, 0], className: cls, pane: "places"})
        .addTo(map);
    }
    (data.country_labels || []).forEach(function (row) {
      label(row[0], "country-label", [row[1], row[2]],
            L.divIcon({className: "", iconSize: [0, 0], html: ""}), 0);
    });
    (data.places || []).forEach(function (row) {
      var capital = row[3] === "capital", size = capital ? 8 : 6;
      label(row[0], "place-label " + (capital ? "capital" : "city"), [row[1], row[2]],
            L.divIcon({className: "place-dot " + (capital ? "capital" : "city"),
                       iconSize: [size, size], iconAnchor: [size / 2, size / 2]}), size / 2);
    });
    function zoomed() {
      var zoom = map.getZoom(), box = map.getContainer(), narrow = map.getSize().x < 600;
      L.DomUtil[zoom < 6 ? "addClass" : "removeClass"](box, "hide-city-labels");
      L.DomUtil[zoom < 5 && narrow ? "addClass" : "removeClass"](box, "hide-capital-labels");
      L.DomUtil[zoom < 4 && !narrow ? "addClass" : "removeClass"](box, "hide-country-labels");
    }
    map.on("zoomend resize", zoomed);
    zoomed();
  }

  // The wheel scrolls the page unless the map has the focus (a click on it gives it) or Ctrl/⌘
  // is held, as on the live map (coupbelt.reading).
  function wheelRule(map) {
    var box = map.getContainer();
    box.addEventListener("wheel", function (e) {
      var focused = document.hasFocus() && box.contains(document.activeElement);
      // capture, before Leaflet's own listener; no preventDefault, so the page scrolls
      if (!focused && !e.ctrlKey && !e.metaKey) { e.stopImmediatePropagation(); }
    }, true);
  }

  function start(root, data) {
    var wire = data.wire;
    if (!wire || wire.format !== "coupbelt.timemap/1") {
      throw new Error("timemap: expected a coupbelt.timemap/1 wire, got " + (wire && wire.format));
    }
    var origin = Date.UTC.apply(null, wire.start.split("-").map(function (v, i) {
      return i === 1 ? Number(v) - 1 : Number(v);
    }));
    var ui = data.ui, strings = wire.strings, metrics = {}, state = {day: data.day, metric: data.metric};
    var row = {};  // iso3 -> its index in the wire's per-country lists
    wire.countries.forEach(function (iso3, i) { row[iso3] = i; });
    wire.metrics.forEach(function (m) { metrics[m.key] = m; });

    function dateOf(n) { return new Date(origin + n * DAY_MS); }
    function dayOf(d) { return Math.round((d.getTime() - origin) / DAY_MS); }
    function longDate(n) {
      var d = dateOf(n);
      // French writes the first of a month as an ordinal: "1er août 2023"
      var day = d.getUTCDate() === 1 && data.lang === "fr" ? "1er" : d.getUTCDate();
      return day + " " + data.months[d.getUTCMonth()] + " " + d.getUTCFullYear();
    }
    function isoDate(n) { return dateOf(n).toISOString().slice(0, 10); }

    // --- the page's parts, all built here with textContent ---
    var mapDiv = el("div", "tm-map", null, root);
    var title = el("h1", "tm-title", null, root);
    var stamp = el("div", "tm-stamp", null, root);
    var legend = el("details", "tm-legend", null, root);
    legend.open = root.clientWidth > 600;  // folded on a phone, where it would hide the map
    var controls = el("div", "tm-controls", null, root);
    var credit = el("div", "tm-credit", data.credit, root);
    credit.id = "tm-credit";

    var metricLabel = el("label", null, ui.metric, controls);
    var picker = el("select", "tm-metric", null, metricLabel);
    wire.metrics.forEach(function (m) {
      var o = el("option", null, m.title, picker);
      o.value = m.key;
    });
    var play = el("button", "tm-play", "▶ " + ui.play, controls);
    play.type = "button";
    var stepLabel = el("label", null, ui.step, controls);
    var step = el("select", "tm-step", null, stepLabel);
    [["week", ui.week], ["month", ui.month]].forEach(function (s) {
      var o = el("option", null, s[1], step);
      o.value = s[0];
    });
    step.value = "month";
    var speedLabel = el("label", null, ui.speed, controls);
    var speed = el("select", "tm-speed", null, speedLabel);
    [1, 2, 4, 8].forEach(function (n) {
      var o = el("option", null, String(n), speed);
      o.value = String(n);
    });
    speed.value = "2";
    var loopLabel = el("label", null, null, controls);
    var loop = el("input", "tm-loop", null, loopLabel);
    loop.type = "checkbox";
    loopLabel.appendChild(document.createTextNode(ui.loop));
    var sliderBox = el("div", "tm-slider", null, controls);
    var slider = el("input", "tm-range", null, sliderBox);
    slider.type = "range";
    slider.min = "0";
    slider.max = String(wire.last);
    slider.step = "1";
    slider.setAttribute("aria-label", ui.date);
    var ticks = el("div", "tm-ticks", null, sliderBox);
    var first = dateOf(0).getUTCFullYear(), last = dateOf(wire.last).getUTCFullYear();
    for (var year = first; year <= last; year++) {
      var n = dayOf(new Date(Date.UTC(year, 0, 1)));
      if (n < 0 || n > wire.last || (year > first && wire.last - n < wire.last * 0.06)) { continue; }
      var tick = el("span", null, data.short_months[0] + " " + year, ticks);
      tick.style.left = (100 * n / Math.max(1, wire.last)) + "%";
      if (n === 0) { tick.style.transform = "none"; }
    }

    // --- the map ---
    var map = L.map(mapDiv, {zoomSnap: 0.25, minZoom: 3, attributionControl: false,
                             zoomAnimation: false});
    L.control.scale({imperial: false}).addTo(map);  // kilometres only
    var layers = {};
    var countries = L.geoJSON(data.borders, {
      style: function () {
        return {fillColor: "#d9d9d9", fillOpacity: 0.8, color: "#444444", weight: 0.8};
      },
      onEachFeature: function (feature, layer) {
        var iso3 = feature.properties.iso3;
        layers[iso3] = layer;
        layer.bindTooltip(function () { return tooltip(iso3, feature.properties.name); },
                          {sticky: true, className: "tm-tip"});
        if (data.country_link) {
          layer.on("click", function () {
            window.location.href = countryHref(iso3);
          });
        }
      }
    }).addTo(map);
    fitRegion(map, data);
    orient(map, data);
    wheelRule(map);

    // A country's page as of the date on the map (the page shows that date's status).
    function countryHref(iso3) {
      return data.country_link.replace("{iso3}", encodeURIComponent(iso3)) + "#date=" +
        isoDate(state.day);
    }

    function classOf(iso3, metricKey, day) {
      var m = metrics[metricKey], flat = m.runs[row[iso3]];
      var k = flat && day >= 0 && day <= wire.last ? runAt(flat, 3, day) : -1;
      return k >= 0 ? {cls: m.classes[flat[3 * k + 1]], detail: strings[flat[3 * k + 2]]} : null;
    }

    function tooltip(iso3, name) {
      var box = el("div", "tm-tip"), now = classOf(iso3, state.metric, state.day);
      el("b", null, name, box);
      if (now) {
        el("div", null, metrics[state.metric].title + ": " + now.cls[1], box);
        if (now.detail) { el("div", "tm-detail", now.detail, box); }
      }
      var lines = wire.summaries[row[iso3]] || [], s = runAt(lines, 2, state.day);
      if (s >= 0 && strings[lines[2 * s + 1]]) {
        el("div", null, ui.on_date + ":", box).style.fontWeight = "bold";
        strings[lines[2 * s + 1]].split("\n").forEach(function (line) { el("div", null, line, box); });
      }
      if (data.country_link) { el("div", "tm-more", ui.open_country, box).style.fontStyle = "italic"; }
      return box;
    }

    // --- events: markers of the window up to the date, made once and reused ---
    var events = wire.events || [], markers = [], eventLayer = L.layerGroup().addTo(map);
    function popup(r) {
      var d = el("div", "tm-popup"), cat = wire.categories[r[3]];
      el("b", null, r[4], d);
      if (r[9]) { el("small", null, " " + r[9], d); }
      el("div", null, longDate(r[0]) + " · " + cat[0] + " · " + r[5], d);
      el("p", null, r[6], d);
      var s = el("small", null, ui.sources + " ", d);
      r[7].forEach(function (source, i) {
        // a source: its URL, or [URL, "Outlet (kind)"] when the data names its outlet
        var url = Array.isArray(source) ? source[0] : source;
        if (i) { s.appendChild(document.createTextNode(" · ")); }
        if (isWeb(url)) {
          var a = el("a", null, Array.isArray(source) ? source[1] : host(url), s);
          a.title = url;
          a.href = url;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
        } else {
          s.appendChild(document.createTextNode(url));
        }
      });
      return d;
    }
    function marker(k) {
      if (!markers[k]) {
        var r = events[k], cat = wire.categories[r[3]];
        var m = L.circleMarker([r[1], r[2]], {radius: 6, weight: 1.5, color: "#222222",
                                              fillColor: cat[1], fillOpacity: 0.95});
        m.eventId = r[8];
        m.bindTooltip(function () { return el("span", null, longDate(r[0]) + " · " + r[4]); });
        m.bindPopup(function () { return popup(r); }, {maxWidth: 320});
        markers[k] = m;
      }
      return markers[k];
    }
    function firstAtOrAfter(day) {
      var lo = 0, hi = events.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (events[mid][0] < day) { lo = mid + 1; } else { hi = mid; } }
      return lo;
    }
    var shownCategories = "";
    function drawEvents() {
      var from = firstAtOrAfter(state.day - data.window + 1), to = firstAtOrAfter(state.day + 1);
      var used = {};
      eventLayer.clearLayers();
      for (var k = from; k < to; k++) {
        eventLayer.addLayer(marker(k));
        used[events[k][3]] = true;
      }
      var key = Object.keys(used).sort().join(",");
      if (key !== shownCategories) {  // the legend lists the categories on the map
        shownCategories = key;
        drawLegend();
      }
    }

    function drawLegend() {
      while (legend.firstChild) { legend.removeChild(legend.firstChild); }
      el("summary", null, ui.legend, legend);
      var m = metrics[state.metric];
      el("h4", null, m.title, legend);
      m.classes.forEach(function (c) {
        var row = el("div", null, null, legend), sw = el("i", null, null, row);
        sw.style.background = c[2];
        row.appendChild(document.createTextNode(c[1]));
      });
      if (!shownCategories) { return; }
      var used = {};
      shownCategories.split(",").forEach(function (k) { used[k] = true; });
      el("h4", null, fill(ui.events_window, {days: data.window}), legend);
      wire.categories.forEach(function (c, k) {
        if (!used[k]) { return; }
        var row = el("div", null, null, legend), sw = el("i", "dot", null, row);
        sw.style.background = c[1];
        row.appendChild(document.createTextNode(c[0]));
      });
    }

    function recolour() {
      Object.keys(layers).forEach(function (iso3) {
        var now = classOf(iso3, state.metric, state.day);
        layers[iso3].setStyle({fillColor: now ? now.cls[2] : "#d9d9d9"});
      });
    }

    function drawText() {
      var when = longDate(state.day);
      title.textContent = fill(data.title, {project: data.project, metric: metrics[state.metric].title,
                                            date: when});
      stamp.textContent = when;
      slider.value = String(state.day);
      slider.setAttribute("aria-valuetext", when);
      picker.value = state.metric;
      try {  // the view in the link, so a copied link reopens it (may be refused under file://)
        history.replaceState(null, "", "#date=" + isoDate(state.day) + "&metric=" + state.metric);
      } catch (e) { /* not essential */ }
    }

    function setDay(n) {
      state.day = Math.max(0, Math.min(wire.last, Math.round(n)));
      recolour();
      drawEvents();
      drawText();
    }
    function setMetric(key) {
      if (!metrics[key]) { return; }
      state.metric = key;
      recolour();
      drawLegend();
      drawText();
    }

    // --- playback ---
    var timer = null;
    function nextDay(n) {
      if (step.value === "week") { return n + 7; }
      var d = dateOf(n);
      return dayOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1,
                                     Math.min(d.getUTCDate(), 28))));
    }
    function frame() {
      if (state.day >= wire.last) {
        if (loop.checked) { setDay(0); } else { pause(); }
        return;
      }
      setDay(Math.min(nextDay(state.day), wire.last));
      if (state.day >= wire.last && !loop.checked) { pause(); }
    }
    function schedule() {
      if (timer !== null) { clearInterval(timer); }
      timer = setInterval(frame, 1000 / Number(speed.value));
    }
    function resume() {
      if (state.day >= wire.last) { setDay(0); }
      play.textContent = "⏸ " + ui.pause;
      play.setAttribute("aria-pressed", "true");
      schedule();
    }
    function pause() {
      if (timer !== null) { clearInterval(timer); }
      timer = null;
      play.textContent = "▶ " + ui.play;
      play.setAttribute("aria-pressed", "false");
    }
    play.addEventListener("click", function () { if (timer === null) { resume(); } else { pause(); } });
    speed.addEventListener("change", function () { if (timer !== null) { schedule(); } });
    slider.addEventListener("input", function () { setDay(Number(slider.value)); });
    picker.addEventListener("change", function () { setMetric(picker.value); });
    [controls, legend, title, stamp, credit].forEach(function (box) {
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
    });

    // A link's #date=YYYY-MM-DD&metric=... opens on that view.
    var asked = {};
    (window.location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length === 2) { asked[kv[0]] = decodeURIComponent(kv[1]); }
    });
    if (/^\d{4}-\d{2}-\d{2}$/.test(asked.date || "")) {
      var t = Date.parse(asked.date + "T00:00:00Z");
      if (!isNaN(t)) { state.day = Math.max(0, Math.min(wire.last, Math.round((t - origin) / DAY_MS))); }
    }
    if (metrics[asked.metric]) { state.metric = asked.metric; }

    setDay(state.day);
    drawLegend();
    return {
      map: map, countries: countries, layers: layers, events: eventLayer,
      setDay: setDay, setMetric: setMetric, play: resume, pause: pause,
      day: function () { return state.day; }, metric: function () { return state.metric; },
      date: function () { return isoDate(state.day); },
      playing: function () { return timer !== null; },
      fill: function (iso3) { return layers[iso3] ? layers[iso3].options.fillColor : null; }
    };
  }

  var node = document.getElementById("timemap-data"), root = document.getElementById("timemap");
  if (node && root) {
    while (root.firstChild) { root.removeChild(root.firstChild); }
    window.timemap = start(root, JSON.parse(node.textContent));
  }
})();
