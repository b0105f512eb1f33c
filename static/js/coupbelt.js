/* Map helpers of the Sahel coup-belt dashboard, served by the app itself (no CDN).

   coupbelt.legend(group, title, sections, id): adds to `group` a Leaflet layer that shows the
   legend in a corner of the map while it is on the map: the first corner where it hides none of
   the region's countries, else folded (and folded at first on a map narrower than 600 px). An entry is [class, colour, text] or, for a reference circle of a marker size,
   [class, colour, text, diameter in pixels]. Python swaps it with the other date-dependent layers, so the legend
   always matches the colours. Built with textContent: no text is ever parsed as HTML.

   coupbelt.events(group, data, shown): events on the map, from a dataset (geo.layers.event_set):
   `data` is the dataset itself or the ID of one the page holds beside the map (a hidden script
   puts it in the page's window.coupbeltData, once: a rerun that changes only the date sends
   a bit mask, not the events again). `shown` picks its events (`mask`, one bit per event; null: all) and may
   carry their marker rows. Up to `data.limit` events are markers with a tooltip and a popup
   built with textContent (only http(s) URLs become links); more are counts per screen cell,
   re-binned on a canvas on every zoom and pan.

   coupbelt.countries(map, ref): the country shapes (a GeoJSON dataset, by ID or inline) on the
   base map, drawn plain until a coupbelt.paint layer colours them; their group is on the map
   from the start, so a click on a country reaches streamlit-folium even when the shapes come
   after the map.

   coupbelt.paint(group, countries, labels, follow): colours the shapes while `group` is on the
   map: each country's fill, dashed outline and tooltip (rows `labels`: name, status, details and
   the lines of its whole status), all set with textContent; null countries: plain borders.
   With `follow`, the map recolours itself as soon as the reader moves the page's date or
   metric, from a timeline of every metric's colours the page holds (see "Recolouring at once").

   coupbelt.register(map, id, data): holds a dataset under its ID (a map exported as one file).

   coupbelt.reading(map): a metric scale, and the wheel scrolls the page unless the map has the
   focus or Ctrl/⌘ is held.

   coupbelt.counted(forms, n, lang): a counted message in the form n takes in `lang`.

   coupbelt.tileNote(group, text): a note on the map when basemap tiles fail (offline).

   coupbelt.play(group, p): plays a sequence of as-of dates on the map without asking the server
   for each frame. `p` carries the metric's runs from the time model's wire (each frame's colours
   are looked up in them, as on a date change), each frame's day and its date written large, and
   the events with their day numbers; each frame shows the events of the `p.window` days up to
   its date. The frame shown is written into the page's link (frame=
   YYYY-MM-DD), so pausing puts the page on the date the reader sees. It stops when its group
   is swapped out.

   coupbelt.places(map, rows): capitals and major cities ([name, lat, lon, kind] rows), a dot
   and a label each, in their own pane above the swapped layers and never catching clicks;
   city labels appear from zoom 6, capitals' always (from zoom 5 on a map under 600 px wide).

   coupbelt.keepView(map, name): gives each page's map its own remembered view. On load it
   restores the centre and zoom saved for `name` in this tab (a rerun of the page, or a return to
   it), else the link's view=LAT,LON,ZOOM; after the reader moves the map it saves the view and
   writes view=... into the page's link, so a copied link reopens the same view. */
(function () {
  "use strict";
  var legendOpen = {};

  // A layer that shows an element over the map while the layer is on the map.
  function boxLayer(build) {
    var box = null;
    var Layer = L.Layer.extend({
      onAdd: function (map) {
        box = build(map);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        map.getContainer().appendChild(box);
      },
      onRemove: function () {
        if (box) { box.remove(); }
        box = null;
      }
    });
    return new Layer();
  }

  function legend(group, title, sections, id) {
    group.addLayer(boxLayer(function (map) {
      // The legend comes with every rerun's layers, after Streamlit has rewritten the link:
      // put the map's view back into it now, not only on the next tick of keepView's timer
      // (a browser may slow the timers of a frame it does not paint).
      if (window.coupbeltRelink) { window.coupbeltRelink(); }
      var box = document.createElement("details");
      box.className = "map-legend";
      box.id = "map-legend";
      // Folded at first on a narrow map (a phone), where it would cover much of it.
      box.open = id in legendOpen ? legendOpen[id] : map.getSize().x >= 600;
      box.addEventListener("toggle", function () {
        if (!box.folding) { legendOpen[id] = box.open; }  // the reader's choice, not place()'s
        box.folding = false;
        place(map, box, id);
      });
      var summary = document.createElement("summary");
      summary.textContent = title;
      box.appendChild(summary);
      sections.forEach(function (section) {
        var heading = document.createElement("h4");
        heading.textContent = section[0];
        box.appendChild(heading);
        section[1].forEach(function (entry) {
          var row = document.createElement("div"), swatch = document.createElement("i");
          swatch.className = entry[0];
          swatch.style.background = entry[1];
          if (entry[3]) {  // a reference circle of a marker size, in pixels
            swatch.style.width = swatch.style.height = entry[3] + "px";
          }
          row.appendChild(swatch);
          row.appendChild(document.createTextNode(entry[2]));
          box.appendChild(row);
        });
      });
      // placed once it is in the map (its size is known then) and the shapes have come
      window.setTimeout(function () {
        if (map.coupbeltShapes) { place(map, box, id); } else { map.once("coupbeltshapes", function () { place(map, box, id); }); }
      }, 0);
      return box;
    }));
  }

  // The legend goes in the first corner where it hides none of the region's countries (the
  // shapes whose `region` is west_africa), tried from what is under it on the page; where no
  // corner is free, it starts folded (the reader may still open it). Kept per view, so a rerun
  // on an unmoved map puts it back where it was without looking again.
  var CORNERS = ["bottomleft", "topright", "bottomright", "topleft"], placed = {};

  function place(map, box, id) {
    if (!box.parentNode) { return; }
    var size = map.getSize(), c = map.getCenter();
    var key = [size.x, size.y, c.lat.toFixed(3), c.lng.toFixed(3), map.getZoom(), box.open,
               box.offsetWidth, box.offsetHeight].join(":");
    var corner = placed[id] && placed[id].key === key ? placed[id].corner : null;
    if (corner === null) {
      var region = new Set(), shapes = map.coupbeltShapes || {};
      Object.keys(shapes).forEach(function (iso3) {
        var s = shapes[iso3];
        if (s.feature.properties.region === "west_africa" && s._path) { region.add(s._path); }
      });
      corner = CORNERS.find(function (k) { setCorner(box, k); return !hides(box, region); });
      if (!corner) {
        corner = CORNERS[0];
        if (box.open && !(id in legendOpen)) { box.folding = true; box.open = false; }
      }
      placed[id] = {key: key, corner: corner};
    }
    setCorner(box, corner);
  }

  function setCorner(box, corner) {
    CORNERS.forEach(function (k) { box.classList.toggle("at-" + k, k === corner && k !== "bottomleft"); });
  }

  function hides(box, paths) {
    var r = box.getBoundingClientRect();
    for (var y = r.top + 2; y < r.bottom; y += 8) {
      for (var x = r.left + 2; x < r.right; x += 8) {
        if (document.elementsFromPoint(x, y).some(function (e) { return paths.has(e); })) { return true; }
      }
    }
    return false;
  }

  // How the map reads: a metric scale, and the mouse wheel scrolls the page unless the map has
  // the focus (a click on it gives it) or Ctrl/⌘ is held, as ACLED's and Liveuamap's maps do.
  function reading(map) {
    L.control.scale({imperial: false}).addTo(map);
    var box = map.getContainer();
    box.addEventListener("wheel", function (e) {
      var focused = document.hasFocus() && box.contains(document.activeElement);
      // capture, before Leaflet's own listener; no preventDefault, so the page scrolls
      if (!focused && !e.ctrlKey && !e.metaKey) { e.stopImmediatePropagation(); }
    }, true);
  }

  // A note on the map once the tiles of a layer in `group` fail to load (no internet).
  function tileNote(group, text) {
    var note = boxLayer(function () {
      var box = document.createElement("div");
      box.className = "map-note";
      box.textContent = text;
      return box;
    });
    group.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        layer.on("tileerror", function () { if (!group.hasLayer(note)) { group.addLayer(note); } });
      }
    });
  }

  // Datasets (events, country shapes, the colours' timeline), by ID: registered inline (an
  // exported map) or read from the page's window.coupbeltData, which hidden scripts after the
  // map fill, usually before the map starts (if not yet, the map looks again every 50 ms).
  var datasets = {};

  function register(map, id, data) { datasets[id] = data; }

  function withDataset(ref, ready) {
    if (typeof ref !== "string") { ready(ref); return; }
    var tries = 0;
    (function look() {
      if (!datasets[ref]) {
        try {
          datasets[ref] = (window.parent.coupbeltData || {})[ref];
        } catch (e) { /* no parent page */ }
      }
      if (datasets[ref]) { ready(datasets[ref]); } else if (++tries < 600) { window.setTimeout(look, 50); }
    })();
  }

  function decode(b64, Type) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return new Type(bytes.buffer);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function host(url) {
    try { return new URL(url).hostname.replace(/^www[.]/, ""); } catch (e) { return url; }
  }

  // A marker row: [lat, lon, class, date, title, place, summary, urls, id, fallback note] and,
  // for imported events, [radius, hollow, detail lines, deaths, deaths text].
  function popup(r, cat, sourcesLabel) {
    var d = el("div", undefined, "event-popup"), s = el("small", sourcesLabel);
    d.appendChild(el("b", r[4]));
    if (r[9]) { d.appendChild(el("small", " " + r[9], "fallback")); }
    d.appendChild(el("div", r[3] + " · " + cat[0] + " · " + r[5]));
    (r[12] || []).forEach(function (line) { d.appendChild(el("div", line, "event-detail")); });
    d.appendChild(el("p", r[6]));
    r[7].forEach(function (source, i) {
      // a source: its URL, or [URL, "Outlet (kind)"] when the data names its outlet
      var url = Array.isArray(source) ? source[0] : source;
      if (i) { s.appendChild(document.createTextNode(" · ")); }
      if (/^https?:[/][/]/i.test(url)) {
        var a = el("a", Array.isArray(source) ? source[1] : host(url));
        a.title = url;
        a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        s.appendChild(a);
      } else {
        s.appendChild(document.createTextNode(url));
      }
    });
    d.appendChild(s);
    return d;
  }

  function markers(group, data, rows) {
    var halos = data.ringed ? L.featureGroup().addTo(group) : null;  // under the markers
    var layer = L.featureGroup().addTo(group);
    rows.forEach(function (r) {
      var cat = data.cats[r[2]], hollow = !!r[11], radius = r[10] || 7;
      if (data.ringed) {  // the user's events: a white ring in a dark halo, unlike curated ones
        halos.addLayer(L.circleMarker([r[0], r[1]], {radius: radius + 2.5, weight: 1.5,
          color: "#222222", fill: false, interactive: false}));
      }
      // hollow: placed or dated only roughly; a ring in the type's colour, dashed
      var m = L.circleMarker([r[0], r[1]], {radius: radius, weight: hollow ? 2.5 : data.ringed ? 2.5 : 1.5,
                                            color: hollow ? cat[1] : data.ringed ? "#ffffff" : "#222222",
                                            dashArray: hollow ? "4 3" : null,
                                            fillColor: hollow ? "#ffffff" : cat[1],
                                            fillOpacity: hollow ? 0.5 : 0.85});
      m.feature = {type: "Feature", geometry: {type: "Point"},
                   properties: {id: r[8], category: cat[0], deaths: r[13], hollow: hollow}};
      m.bindTooltip(function () {
        return el("span", r[3] + " · " + cat[0] + ": " + r[4] + (r[14] ? " · " + r[14] : ""));
      });
      m.bindPopup(function () { return popup(r, cat, data.sources); }, {maxWidth: 320});
      layer.addLayer(m);
    });
    (window.eventMarkers = window.eventMarkers || []).push(layer);
    return layer;
  }

  // "1 event", "0 mort", "2 événements": the form of a counted message for n, picked by the
  // language's plural rules (forms by CLDR category, from geo.i18n.plural_forms).
  function counted(forms, n, lang) {
    var form = forms[new Intl.PluralRules(lang).select(n)] || forms.other;
    return form.replace("{count}", n.toLocaleString(lang));
  }

  // Counts per 44-pixel screen cell of the chosen events (indexes into the dataset's arrays).
  function cells(group, data, chosen) {
    if (!data.points) {  // once per dataset: Web Mercator pixels at zoom 0, scaled at any zoom
      var lat = decode(data.lat, Int16Array), lon = decode(data.lon, Int16Array);
      data.points = new Float64Array(2 * lat.length);
      data.classes = decode(data.cat, Uint8Array);
      data.killed = decode(data.deaths, Uint32Array);
      // Leaflet's EPSG3857 at zoom 0 (L.CRS.EPSG3857.latLngToPoint), written out: no objects
      // made for each of 100,000 events
      var max = 85.0511287798, d = Math.PI / 180;
      for (var i = 0; i < lat.length; i++) {
        var sin = Math.sin(Math.max(Math.min(max, lat[i] / data.scale), -max) * d);
        data.points[2 * i] = 256 * (0.5 + lon[i] / data.scale / 360);
        data.points[2 * i + 1] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
      }
    }
    var map = null, renderer = L.canvas({padding: 0.3}), layer = L.layerGroup(), size = 44;
    var halos = L.layerGroup();  // the user's events' dark halos, apart from the counted cells
    (window.aggregatedEvents = window.aggregatedEvents || []).push(
      {count: chosen.length, layer: layer});
    function tip(c) {
      var box = el("span");
      box.appendChild(el("b", counted(data.eventsText, c.n, data.lang)));
      if (data.withDeaths) {
        box.appendChild(document.createTextNode(" · " + counted(data.deathsText, c.d, data.lang)));
      }
      c.cats.forEach(function (n, k) {
        if (n) {
          box.appendChild(el("br"));
          box.appendChild(document.createTextNode(data.cats[k][0] + ": " + n.toLocaleString(data.lang)));
        }
      });
      return box;
    }
    var drawnFor = null;  // the view the cells were last counted for
    function redraw() {
      layer.clearLayers();
      halos.clearLayers();
      var zoom = map.getZoom(), scale = Math.pow(2, zoom), view = map.getPixelBounds();
      drawnFor = zoom + ":" + view.min + ":" + view.max;
      var pad = view.getSize().multiplyBy(0.3), x0 = view.min.x - pad.x, x1 = view.max.x + pad.x,
          y0 = view.min.y - pad.y, y1 = view.max.y + pad.y, grid = new Map();
      for (var j = 0; j < chosen.length; j++) {
        var k = chosen[j], x = data.points[2 * k] * scale, y = data.points[2 * k + 1] * scale;
        if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
        // a number, not a string, names the cell: this loop runs over every event shown
        var key = Math.floor(x / size) * 1048576 + Math.floor(y / size), c = grid.get(key);
        if (!c) {
          c = {n: 0, d: 0, x: 0, y: 0, cats: data.cats.map(function () { return 0; })};
          grid.set(key, c);
        }
        c.n++; c.d += data.killed[k]; c.x += x; c.y += y; c.cats[data.classes[k]]++;
      }
      grid.forEach(function (c) {
        var top = c.cats.indexOf(Math.max.apply(null, c.cats)), at = map.unproject([c.x / c.n, c.y / c.n], zoom),
            radius = c.n === 1 ? 5 : Math.min(26, 6 + 3 * Math.log2(c.n));
        if (data.ringed) {  // the user's events: a white ring in a dark halo, as their markers
          L.circleMarker(at, {renderer: renderer, radius: radius + 2.5, color: "#222", weight: 1.5,
                              fill: false, interactive: false}).addTo(halos);
        }
        L.circleMarker(at, {
          renderer: renderer, radius: radius, color: data.ringed ? "#fff" : "#222",
          weight: data.ringed ? 2.5 : 1, fillColor: data.cats[top][1], fillOpacity: 0.85
        }).bindTooltip(function () { return tip(c); }).addTo(layer);  // built on hover
      });
    }
    // The cells follow the map the layer is on: its group is swapped in and out of the page's
    // map on every rerun, and a layer put back on an unmoved map keeps its cells.
    layer.on("add", function () {
      map = layer._map;
      map.on("zoomend moveend", redraw);
      var view = map.getPixelBounds();
      if (drawnFor !== map.getZoom() + ":" + view.min + ":" + view.max) { redraw(); }
    });
    layer.on("remove", function () { if (map) { map.off("zoomend moveend", redraw); } map = null; });
    if (data.ringed) { halos.addTo(group); }
    layer.addTo(group);
    return layer;
  }

  // The last events layer drawn from a page's dataset: a rerun that shows the same events
  // (a date change with the window fixed) puts it back instead of drawing it again.
  var lastEvents = {key: null, layer: null};

  function events(group, ref, shown) {
    var key = typeof ref === "string" ? ref + ":" + (shown ? shown.mask : "all") : null;
    if (key !== null && key === lastEvents.key) {
      group.addLayer(lastEvents.layer);
      return;
    }
    withDataset(ref, function (data) {
      var pick = shown && shown.mask ? decode(shown.mask, Uint8Array) : null, n = 0;
      var all = new Int32Array(data.count);
      for (var i = 0; i < data.count; i++) {
        if (!pick || (pick[i >> 3] >> (i & 7)) & 1) { all[n++] = i; }
      }
      var chosen = all.subarray(0, n);
      var rows = shown && shown.rows ? shown.rows
        : data.rows ? Array.from(chosen, function (k) { return data.rows[k]; }) : null;
      var layer = rows && rows.length <= data.limit ? markers(group, data, rows)
        : cells(group, data, chosen);
      if (key !== null) { lastEvents = {key: key, layer: layer}; }
    });
  }

  var PLAIN = {fillColor: "#f4f4f4", fillOpacity: 0.6, color: "#666666", weight: 0.8,
               dashArray: null};
  var painted = null;  // the countries the last paint layer coloured: {iso3: country}

  function styleOf(country) {
    if (!country) { return PLAIN; }
    return {fillColor: country.fill, fillOpacity: 0.75,
            color: country.outlined ? "#000000" : "#444444", weight: country.outlined ? 3 : 0.8,
            dashArray: country.outlined ? "7 4" : null};
  }

  function countryTip(country, labels) {
    var box = el("div", undefined, "country-tip"), table = el("table"), body = el("tbody");
    [country.name, country.status, country.detail, country.all].forEach(function (value, i) {
      if (i >= labels.length) { return; }
      var row = el("tr"), cell = el("td");
      row.appendChild(el("th", labels[i]));
      (Array.isArray(value) ? value : [value]).forEach(function (line, k) {
        if (k) { cell.appendChild(el("br")); }
        cell.appendChild(document.createTextNode(line));
      });
      row.appendChild(cell);
      body.appendChild(row);
    });
    table.appendChild(body);
    box.appendChild(table);
    return box;
  }

  function countries(map, ref) {
    // The group is on the map from the start, so streamlit-folium, which binds its click
    // handler to the map's layers when it starts, hears a click on any country in it (a
    // click on a shape reaches its group) even if the shapes arrive after the map.
    var shapes = {}, group = L.geoJSON(null, {
      style: function () { return PLAIN; },
      onEachFeature: function (feature, layer) {
        shapes[feature.properties.iso3] = layer;
        layer.on("mouseover", function () { layer.setStyle({weight: 2.5, color: "#000000"}); });
        layer.on("mouseout", function () {
          layer.setStyle(styleOf(painted && painted.countries[feature.properties.iso3]));
        });
      }
    }).addTo(map);
    withDataset(ref, function (data) {
      group.addData(data);
      map.coupbeltShapes = shapes;
      if (painted) { painted.apply(); }
      map.fire("coupbeltshapes");  // the legend looks for a free corner
    });
  }

  function paint(group, list, labels, follow) {
    var byIso3 = {};
    (list || []).forEach(function (c) { byIso3[c.iso3] = c; });
    var Painter = L.Layer.extend({
      onAdd: function (map) {
        var shapesOf = function () { return map.coupbeltShapes || {}; };
        painted = {countries: byIso3, restyle: function () {
          var shapes = shapesOf();
          Object.keys(shapes).forEach(function (iso3) {
            shapes[iso3].setStyle(styleOf(painted.countries[iso3]));
          });
        }, apply: function () {
          var shapes = shapesOf();
          painted.restyle();
          Object.keys(shapes).forEach(function (iso3) {
            var shape = shapes[iso3], country = byIso3[iso3];
            shape.unbindTooltip();
            if (country) {
              shape.bindTooltip(function () { return countryTip(country, labels); },
                                {sticky: true});
            }
          });
        }};
        painted.apply();
        followControls(list ? follow : null);
        window.coupbeltPaints = (window.coupbeltPaints || 0) + 1;  // reruns' paints drawn here
      },
      onRemove: function () { /* the next paint layer, swapped in, recolours the shapes */ }
    });
    group.addLayer(new Painter());
  }

  // Recolouring at once. A paint layer may name a timeline (`follow`: the set's ID, the day
  // and metric it shows, whether the change buttons step by the metric): every metric's colour
  // runs through time, as the model gives them (the time model's wire, geo/timemodel.py). The
  // map then watches the page's time controls (the as-of calendar, the month slider, the change
  // buttons, the metric menu) and recolours the moment the reader uses one, before the rerun
  // that follows; that rerun's paint draws the same colours and brings the tooltips, events
  // and legend of the new date.
  var following = null;  // the last paint's `follow`, with its dataset once loaded
  var showing = null;    // {day, metric} the shapes show: the last paint's or a preview's
  var DAY = 86400000, START = Date.UTC(2020, 0, 1);

  // The colour of a country on a day from the time model's wire (geo/timemodel.py, format
  // coupbelt.timemap/1): its runs are flat [first day, class, detail, ...], first days ascending,
  // each lasting until the next; null outside them.
  function colourAt(classes, runs, day, last) {
    if (!runs || day < 0 || day > last) { return null; }
    var lo = 0, hi = runs.length / 3 - 1, k = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (runs[3 * mid] <= day) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return k < 0 ? null : classes[runs[3 * k + 1]];
  }

  function indexed(wire) {  // the wire with its metrics by key, rows by ISO3, menu titles
    var out = Object.assign({}, wire, {byKey: {}, row: {}, titles: {}});
    wire.countries.forEach(function (iso3, i) { out.row[iso3] = i; });
    wire.metrics.forEach(function (m) {
      out.byKey[m.key] = {runs: m.runs, changes: m.changes,
                          colours: m.classes.map(function (c) { return c[2]; })};
      out.titles[m.title] = m.key;
    });
    return out;
  }

  function preview(day, metric) {
    var data = following && following.data, found = data && data.byKey[metric];
    if (!found || !painted || day === null || day < 0 || day > data.last) { return; }
    if (showing && showing.day === day && showing.metric === metric) { return; }
    showing = {day: day, metric: metric};
    var countries = {};
    Object.keys(painted.countries).forEach(function (iso3) {
      countries[iso3] = Object.assign({}, painted.countries[iso3],
        {fill: colourAt(found.colours, found.runs[data.row[iso3]], day, data.last)});
    });
    painted.countries = countries;
    painted.restyle();
    window.coupbeltPreviews = (window.coupbeltPreviews || 0) + 1;
  }

  function step(direction) {  // the next (1) or previous (-1) change from the day shown
    var data = following && following.data;
    if (!data || !showing) { return; }
    var days = (following.byMetric ? (data.byKey[showing.metric] || {}).changes : data.changes) || [];
    var to = null;
    for (var i = 0; i < days.length; i++) {
      if (direction > 0 && days[i] > showing.day) { to = days[i]; break; }
      if (direction < 0 && days[i] < showing.day) { to = days[i]; }
    }
    if (to !== null) { preview(to, showing.metric); }
  }

  function dayOf(text) {  // YYYY-MM-DD -> day number, or null
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!m) { return null; }
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3]), d = new Date(t);
    return d.getUTCDate() === +m[3] && d.getUTCMonth() === +m[2] - 1 ? Math.round((t - START) / DAY) : null;
  }

  var unwatch = null;

  function watch(doc) {
    function inside(node, key) { return !!(node && node.closest && node.closest(".st-key-" + key)); }
    function field() {  // the as-of calendar's value (its hidden date input), as a day number
      var input = doc.querySelector('.st-key-as_of input[type="date"]');
      return input ? dayOf(input.value) : null;
    }
    function later(read) { window.setTimeout(read, 0); }  // once the widget has taken the input
    function calendarDay() { later(function () { preview(field(), showing.metric); }); }
    function metricPicked() {
      later(function () {
        var box = doc.querySelector('.st-key-metric input[role="combobox"]');
        var metric = box && following && following.data.titles[box.value];
        if (metric) { preview(showing.day, metric); }
      });
    }
    // the reader moves the month slider: the pointer holds it, or a key was pressed on it
    var holding = false, keyed = 0;
    function onPointer(e) { holding = e.type === "pointerdown" && inside(e.target, "as_of_month"); }
    function onClick(e) {
      if (!following || !following.data || !showing) { return; }
      var t = e.target, button = t.closest && t.closest("button");
      if (button && !button.disabled && inside(button, "next_change")) { step(1); return; }
      if (button && !button.disabled && inside(button, "previous_change")) { step(-1); return; }
      var option = t.closest && t.closest('[role="option"]');
      var open = doc.querySelector('.st-key-metric input[role="combobox"][aria-expanded="true"]');
      if (option && open) { metricPicked(); return; }
      var calendar = doc.querySelector('.st-key-as_of [aria-haspopup="dialog"][aria-expanded="true"]');
      if (calendar && t.closest && t.closest('[role="dialog"]')) { calendarDay(); }
    }
    function onKey(e) {
      if (inside(e.target, "as_of_month")) { keyed = Date.now(); }
      if (e.key !== "Enter" || !following || !following.data || !showing) { return; }
      if (inside(e.target, "as_of")) { calendarDay(); } else if (inside(e.target, "metric")) { metricPicked(); }
    }
    function onBlur(e) {  // the calendar takes a typed date when it loses the focus
      if (following && following.data && showing && inside(e.target, "as_of") &&
          !inside(e.relatedTarget, "as_of")) { calendarDay(); }
    }
    // The month slider: its value follows the thumb (dragged, or moved by the arrow keys)
    var slid = new MutationObserver(function (changes) {
      if (!following || !following.data || !showing) { return; }
      changes.forEach(function (change) {
        var input = change.target;
        if (input.type !== "range" || !inside(input, "as_of_month") ||
            !(holding || Date.now() - keyed < 500)) { return; }
        var k = +input.value, first = Date.UTC(2020 + Math.floor(k / 12), k % 12, 1);
        var shown = new Date(START + showing.day * DAY);
        if (shown.getUTCFullYear() * 12 + shown.getUTCMonth() !== 2020 * 12 + k) {
          preview(Math.round((first - START) / DAY), showing.metric);
        }
      });
    });
    slid.observe(doc.body, {subtree: true, attributes: true, attributeFilter: ["aria-valuetext"]});
    doc.addEventListener("click", onClick, true);
    doc.addEventListener("keydown", onKey, true);
    doc.addEventListener("focusout", onBlur, true);
    doc.addEventListener("pointerdown", onPointer, true);
    doc.addEventListener("pointerup", onPointer, true);
    return function () {
      slid.disconnect();
      doc.removeEventListener("click", onClick, true);
      doc.removeEventListener("keydown", onKey, true);
      doc.removeEventListener("focusout", onBlur, true);
      doc.removeEventListener("pointerdown", onPointer, true);
      doc.removeEventListener("pointerup", onPointer, true);
    };
  }

  function followControls(follow) {
    following = follow ? Object.assign({}, follow) : null;
    showing = follow ? {day: follow.day, metric: follow.metric} : null;
    window.coupbeltTimelineReady = false;
    if (!follow) { return; }
    withDataset(follow.set, function (data) {
      if (following && following.set === follow.set) {
        following.data = indexed(data);
        window.coupbeltTimelineReady = true;
      }
    });
    if (unwatch === null) {
      try { unwatch = watch(window.parent.document); } catch (e) { unwatch = false; }  // no page
      window.addEventListener("pagehide", function () { if (unwatch) { unwatch(); } });
    }
  }

  function play(group, p) {
    var timer = null, stampBox = null, dots = null, renderer = L.canvas({padding: 0.2});
    function link(day) {  // day null: playback over, the link drops its frame
      try {
        var url = new URL(window.parent.location.href);
        if (day) { url.searchParams.set("frame", day); } else { url.searchParams.delete("frame"); }
        window.parent.history.replaceState(window.parent.history.state, "", url.toString());
      } catch (e) { /* no parent page */ }
    }
    var Player = L.Layer.extend({
      onAdd: function (map) {
        var countries = {}, i = 0, n = p.frames.length, first = 0;
        map.eachLayer(function (l) {
          var f = l.feature;
          if (f && f.properties && f.properties.iso3 && l.setStyle && f.geometry.type !== "Point") {
            countries[f.properties.iso3] = l;
          }
        });
        stampBox = document.createElement("div");
        stampBox.className = "map-stamp";
        map.getContainer().appendChild(stampBox);
        dots = L.layerGroup().addTo(map);
        function draw() {  // the frame's colours, looked up in the metric's runs (the wire's)
          p.countries.forEach(function (iso3, row) {
            var colour = colourAt(p.classes, p.runs[row], p.days[i], p.last);
            if (colour && countries[iso3]) { countries[iso3].setStyle({fillColor: colour}); }
          });
          stampBox.textContent = p.stamps[i];
          var day = p.days[i], from = day - p.window + 1;
          while (first < p.events.length && p.events[first][0] < from) { first++; }  // oldest first
          dots.clearLayers();
          for (var e = first; e < p.events.length && p.events[e][0] <= day; e++) {
            var row = p.events[e];
            L.circleMarker([row[1], row[2]], {renderer: renderer, radius: 5, weight: 1,
              color: "#222", fillColor: p.eventPalette[row[3]], fillOpacity: 0.9,
              interactive: false}).addTo(dots);
          }
          link(p.frames[i]);
        }
        draw();
        timer = window.setInterval(function () {
          if (i + 1 < n) { i++; } else if (p.loop) { i = 0; first = 0; } else {
            window.clearInterval(timer);
            return;
          }
          draw();
        }, 1000 / p.fps);
      },
      onRemove: function (map) {
        if (timer) { window.clearInterval(timer); }
        link(null);
        if (stampBox) { stampBox.remove(); }
        if (dots) { map.removeLayer(dots); }
      }
    });
    group.addLayer(new Player());
  }

  function places(map, rows) {
    var pane = map.createPane("places");
    pane.style.zIndex = 450;  // above the countries and events (overlayPane, 400)
    pane.style.pointerEvents = "none";
    rows.forEach(function (row) {
      var capital = row[3] === "capital", label = document.createElement("span");
      label.textContent = row[0];
      // A square, unlike any event (round markers): white with a black edge for a capital,
      // grey and smaller for a city.
      var size = capital ? 8 : 6;
      L.marker([row[1], row[2]], {
        pane: "places", interactive: false, keyboard: false,
        icon: L.divIcon({className: "place-dot " + (capital ? "capital" : "city"),
                         iconSize: [size, size], iconAnchor: [size / 2, size / 2]})
      }).bindTooltip(label, {permanent: true, direction: "right", offset: [size / 2, 0],
                             className: "place-label " + (capital ? "capital" : "city")})
        .addTo(map);
    });
    function zoomed() {
      var zoom = map.getZoom(), box = map.getContainer();
      L.DomUtil[zoom < 6 ? "addClass" : "removeClass"](box, "hide-city-labels");
      // On a narrow map (a phone) the region's capitals' names overlap: dots until zoom 5.
      L.DomUtil[zoom < 5 && map.getSize().x < 600 ? "addClass" : "removeClass"](
        box, "hide-capital-labels");
    }
    map.on("zoomend resize", zoomed);
    zoomed();
  }

  function linkView() {
    try {
      var text = new URLSearchParams(window.parent.location.search).get("view");
      var parts = (text || "").split(",").map(Number);
      return parts.length === 3 && parts.every(isFinite) ? parts : null;
    } catch (e) {
      return null;  // no parent page (the exported file) or another origin
    }
  }

  function keepView(map, name) {
    var key = "coupbelt-view:" + name, saved = null;
    try { saved = JSON.parse(window.sessionStorage.getItem(key)); } catch (e) { saved = null; }
    saved = saved || linkView();
    if (saved) { map.setView([saved[0], saved[1]], saved[2], {animate: false}); }
    var moved = !!saved;

    function current() {
      var c = map.getCenter();
      return [c.lat.toFixed(3), c.lng.toFixed(3), map.getZoom().toFixed(2)].map(Number);
    }
    // Streamlit rewrites the link after every rerun from what Python knows; put the view back.
    function relink() {
      if (!moved) { return; }
      try {
        var url = new URL(window.parent.location.href), want = current().join(",");
        if (url.searchParams.get("view") !== want) {
          url.searchParams.set("view", want);
          window.parent.history.replaceState(window.parent.history.state, "", url.toString());
        }
      } catch (e) { /* no parent page */ }
    }
    map.on("moveend", function () {
      moved = true;
      try { window.sessionStorage.setItem(key, JSON.stringify(current())); } catch (e) { /* private mode */ }
      relink();
    });
    window.setInterval(relink, 400);
    window.coupbeltRelink = relink;
    window.coupbeltMaps = (window.coupbeltMaps || 0) + 1;  // counts Leaflet maps made here
  }

  window.coupbelt = {legend: legend, tileNote: tileNote, places: places, play: play,
                     keepView: keepView, events: events, register: register,
                     countries: countries, paint: paint, counted: counted, reading: reading};
})();
