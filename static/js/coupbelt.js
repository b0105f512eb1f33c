/* Map helpers of the Sahel coup-belt dashboard, served by the app itself (no CDN).

   coupbelt.legend(group, title, sections, id): adds to `group` a Leaflet layer that shows the
   legend in a corner of the map while it is on the map: the first corner where it hides none of
   the region's countries, else folded (and folded at first on a map narrower than 600 px). An entry is [class, colour, text] or, for a reference circle of a marker size,
   [class, colour, text, diameter in pixels]. Python swaps it with the other date-dependent layers, so the legend
   always matches the colours. Built with textContent: no text is ever parsed as HTML.

   coupbelt.events(group, data, shown): events on the map, from a dataset (geo.layers.event_set):
   `data` is the dataset itself or the ID of one the page holds beside the map (a bridge
   element, app/bridge.py, hands it over by postMessage, once: a rerun that changes only the
   date sends a bit mask, not the events again). `shown` picks its events (`mask`, one bit per event; null: all) and may
   carry their marker rows. Up to `data.limit` events are markers with a tooltip and a popup
   built with textContent (only http(s) URLs become links); more are counts per screen cell,
   re-binned on a canvas on every zoom and pan. Below zoom 8, markers close together show as
   one cluster mark with their count; a click zooms to them and they spread.

   coupbelt.playable(group, play): while `group` is on the map, playback draws these events
   frame by frame (the window ending on each frame's day), from a dataset the page holds.

   coupbelt.countries(map, ref): the country shapes (a GeoJSON dataset, by ID or inline) on the
   base map, drawn plain until a coupbelt.paint layer colours them; their group is on the map
   from the start, so a click on a country reaches streamlit-folium even when the shapes come
   after the map.

   coupbelt.paint(group, countries, labels, follow): colours the shapes while `group` is on the
   map: each country's fill, dashed outline and tooltip (rows `labels`: name, status, details and
   the lines of its whole status), all set with textContent; null countries: plain borders.
   With `follow`, the map recolours itself as soon as the reader moves its time control, from a
   timeline of every metric's colours the page holds (see "The time control on the map").
   Its Compare field (follow.compare, a day number or null) outlines the countries whose status
   changed between that day and the day shown, from the wire's "changed" days, at once (also
   while scrubbing or playing); a compare day set or cleared is committed ({compare: "YYYY-MM-DD"
   or ""}) with the date shown.

   coupbelt.register(map, id, data): holds a dataset under its ID (a map exported as one file).

   coupbelt.reading(map): a metric scale, and the wheel scrolls the page unless the map has the
   focus or Ctrl/⌘ is held.

   coupbelt.counted(forms, n, lang): a counted message in the form n takes in `lang`.

   coupbelt.tileNote(group, text): a note on the map when basemap tiles fail (offline).

   coupbelt.places(map, rows): capitals and major cities ([name, lat, lon, kind] rows), a dot
   and a label each, in their own pane above the swapped layers and never catching clicks;
   city labels appear from zoom 6, capitals' always (from zoom 5 on a map under 600 px wide).

   coupbelt.keepView(map, name): opens the map's channel to Python (`name`, the page's map key):
   the map says hello and gets back its committed view (the centre and zoom the reader left it
   at, a link's view=), and posts its view once the reader has moved it and it has settled.
   Python keeps it and writes it into the link; this script never touches the page or its URL.

   coupbelt.commit(fields): posts a settled choice ({date, metric, compare} or {viewport}) to
   Python.

   With no Python behind it (the static site, the exported file: geo/site.py), a page holding
   #timemap-data starts the map on its own (standalone): the same time control, and each
   settled choice applied here from the time model's wire. window.timemap is its handle
   (map, layers, setDay, setMetric, day, metric, date, compare, outlined, playing, fill) for
   tests and embedding pages. */
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

  // The declared channel to Python (app/bridge.py, static/js/bridge.js): messages posted to
  // the parent window, checked there; answers come back from it, checked here. Nothing of the
  // parent page (its document, its URL, its globals) is read or written.
  var NS = "timemap", handlers = {};

  function post(message) {
    if (parent === window) { return; }  // a map on its own (the exported file): no page
    message.ns = NS;
    try { parent.postMessage(message, location.origin); } catch (e) { /* no page */ }
  }

  window.addEventListener("message", function (e) {
    var m = e.data;
    if (e.source !== parent || e.origin !== location.origin || !m || m.ns !== NS) { return; }
    (handlers[m.type] || []).forEach(function (fn) { fn(m); });
  });

  function on(type, fn) { (handlers[type] = handlers[type] || []).push(fn); }

  // Datasets (events, country shapes, the colours' timeline), by ID: registered inline (an
  // exported map) or asked of the page, whose bridge elements hold them (a carrier may come a
  // moment after the map: ask again every 100 ms, for up to a minute).
  var datasets = {}, waiting = {};

  function held(id, data) {  // a dataset arrives: the layers waiting for it draw
    if (datasets[id]) { return; }
    datasets[id] = data;
    var ready = waiting[id] || [];
    delete waiting[id];
    ready.forEach(function (fn) { fn(data); });
  }

  function register(map, id, data) { held(id, data); }  // inline, after the layers naming it

  on("data", function (m) {
    if (waiting[m.id]) { held(m.id, typeof m.data === "string" ? JSON.parse(m.data) : m.data); }
  });

  function withDataset(ref, ready) {
    if (typeof ref !== "string") { ready(ref); return; }
    if (datasets[ref]) { ready(datasets[ref]); return; }
    if (waiting[ref]) { waiting[ref].push(ready); return; }
    waiting[ref] = [ready];
    var tries = 0;
    (function ask() {
      if (!waiting[ref] || ++tries > 600) { return; }
      post({type: "need", id: ref});
      window.setTimeout(ask, 100);
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

  // Test hooks (window.eventMarkers, eventClusters, aggregatedEvents): the event layers drawn,
  // each listed while it is on a map (and from when it is built), listed again when a rerun
  // puts it back; so a list stays as long as what the map shows, whatever the settled choices.
  function listed(name, entry, layer) {
    function add() {
      var list = window[name] = window[name] || [];
      if (list.indexOf(entry) < 0) { list.push(entry); }
    }
    layer.on("add", add);
    layer.on("remove", function () {
      var list = window[name] || [], i = list.indexOf(entry);
      if (i >= 0) { list.splice(i, 1); }
    });
    add();
  }

  // A marker's tooltip: its date, type and title (and the deaths of the user's events).
  function markerTip(r, cat) {
    return el("span", r[3] + " · " + cat[0] + ": " + r[4] + (r[14] ? " · " + r[14] : ""));
  }

  function markers(group, data, rows) {
    var halos = data.ringed ? L.featureGroup().addTo(group) : null;  // under the markers
    var layer = L.featureGroup().addTo(group);
    rows.forEach(function (r) {
      var cat = data.cats[r[2]], hollow = !!r[11], radius = r[10] || 7;
      var halo = null;
      if (data.ringed) {  // the user's events: a white ring in a dark halo, unlike curated ones
        halo = L.circleMarker([r[0], r[1]], {radius: radius + 2.5, weight: 1.5, className: "event-halo",
          color: "#222222", fill: false, interactive: false});
        halos.addLayer(halo);
      }
      // hollow: placed or dated only roughly; a ring in the type's colour, dashed
      var m = L.circleMarker([r[0], r[1]], {radius: radius, weight: hollow ? 2.5 : data.ringed ? 2.5 : 1.5,
                                            className: "event-marker",
                                            color: hollow ? cat[1] : data.ringed ? "#ffffff" : "#222222",
                                            dashArray: hollow ? "4 3" : null,
                                            fillColor: hollow ? "#ffffff" : cat[1],
                                            fillOpacity: hollow ? 0.5 : 0.85});
      m.feature = {type: "Feature", geometry: {type: "Point"},
                   properties: {id: r[8], category: cat[0], deaths: r[13], hollow: hollow}};
      m.bindTooltip(function () { return markerTip(r, cat); });
      m.bindPopup(function () { return popup(r, cat, data.sources); }, {maxWidth: 320});
      m.halo = halo;
      layer.addLayer(m);
    });
    window.eventMarkersBuilt = (window.eventMarkersBuilt || 0) + 1;
    listed("eventMarkers", layer, layer);
    clusters(group, layer, data);
    return layer;
  }

  // Clustering: below zoom CLUSTER_UNTIL, the markers that fall in one CLUSTER_PX screen cell
  // show as one mark with their count (recounted on every zoom); a click on it zooms to its
  // events, which spread back into their markers, each with its tooltip and popup. The
  // markers stay in their layer (hidden while in a cluster), so a popup opens as before.
  var CLUSTER_PX = 40, CLUSTER_UNTIL = 8;

  function clusters(group, layer, data) {
    var marks = L.layerGroup(), map = null, found = [];
    function shown(m, on) {
      [m, m.halo].forEach(function (p) {
        var e = p && p.getElement();
        if (e) { e.style.display = on ? "" : "none"; }
      });
    }
    function regroup() {
      marks.clearLayers();
      found.length = 0;
      var all = layer.getLayers();
      all.forEach(function (m) { shown(m, true); });
      if (!map || map.getZoom() >= CLUSTER_UNTIL) { return; }
      var zoom = map.getZoom(), grid = new Map();
      all.forEach(function (m) {
        var p = map.project(m.getLatLng(), zoom);
        var key = Math.floor(p.x / CLUSTER_PX) * 1048576 + Math.floor(p.y / CLUSTER_PX);
        if (!grid.has(key)) { grid.set(key, []); }
        grid.get(key).push(m);
      });
      grid.forEach(function (members) {
        if (members.length < 2) { return; }
        members.forEach(function (m) { shown(m, false); });
        var bounds = L.latLngBounds(members.map(function (m) { return m.getLatLng(); }));
        var size = Math.round(Math.min(44, 22 + 4 * Math.log2(members.length)));
        var label = el("span", members.length.toLocaleString(data.lang));
        var mark = L.marker(bounds.getCenter(), {
          icon: L.divIcon({className: "event-cluster" + (data.ringed ? " ringed" : ""), html: label,
                           iconSize: [size, size]}),
          title: counted(data.eventsText, members.length, data.lang), riseOnHover: true,
          pane: "overlayPane"  // with the event markers, under the places' names (pane 450)
        });
        mark.on("click", function () {  // to its events, spread (at most zoom CLUSTER_UNTIL)
          map.fitBounds(bounds.pad(0.25), {maxZoom: CLUSTER_UNTIL});
        });
        marks.addLayer(mark);
        found.push({count: members.length, members: members, mark: mark});
      });
    }
    // follows the map the layer is on: swapped in and out with its group on every rerun
    function added() {
      map = layer._map;
      map.on("zoomend", regroup);
      regroup();
    }
    layer.on("add", added);
    layer.on("remove", function () { if (map) { map.off("zoomend", regroup); } map = null; });
    marks.addTo(group);
    if (layer._map) { added(); }  // drawn into a group already on the map
    listed("eventClusters", {layer: layer, clusters: found}, layer);
  }

  // "1 event", "0 mort", "2 événements": the form of a counted message for n, picked by the
  // language's plural rules (forms by CLDR category, from geo.i18n.plural_forms).
  function counted(forms, n, lang) {
    var form = forms[new Intl.PluralRules(lang).select(n)] || forms.other;
    return form.replace("{count}", n.toLocaleString(lang));
  }

  // A dataset's events as Web Mercator pixels at zoom 0 (scaled at any zoom), their classes
  // and fatalities: once per dataset, from its typed arrays or its marker rows.
  function project(data) {
    if (data.points) { return data; }
    var lat, lon, scale = data.scale || 1, rows = data.rows;
    if (data.lat) {
      lat = decode(data.lat, Int16Array); lon = decode(data.lon, Int16Array);
      data.classes = decode(data.cat, Uint8Array);
    } else {
      lat = Float64Array.from(rows, function (r) { return r[0]; });
      lon = Float64Array.from(rows, function (r) { return r[1]; });
      data.classes = Uint8Array.from(rows, function (r) { return r[2]; });
    }
    data.killed = data.deaths ? decode(data.deaths, Uint32Array) : new Uint32Array(lat.length);
    // grouped by the engine (a big window): each row stands for `weights` events
    data.weight = data.weights ? decode(data.weights, Uint32Array) : null;
    data.points = new Float64Array(2 * lat.length);
    // Leaflet's EPSG3857 at zoom 0 (L.CRS.EPSG3857.latLngToPoint), written out: no objects
    // made for each of 100,000 events
    var max = 85.0511287798, d = Math.PI / 180;
    for (var i = 0; i < lat.length; i++) {
      var sin = Math.sin(Math.max(Math.min(max, lat[i] / scale), -max) * d);
      data.points[2 * i] = 256 * (0.5 + lon[i] / scale / 360);
      data.points[2 * i + 1] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
    }
    return data;
  }

  // The chosen events counted per `size`-pixel screen cell of the map's view (and a margin):
  // each cell's count, fatalities, mean position and count per class.
  function binned(map, data, chosen, size) {
    var zoom = map.getZoom(), scale = Math.pow(2, zoom), view = map.getPixelBounds();
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
      var w = data.weight ? data.weight[k] : 1;
      c.n += w; c.d += data.killed[k]; c.x += w * x; c.y += w * y; c.cats[data.classes[k]] += w;
    }
    grid.forEach(function (c) {
      c.at = map.unproject([c.x / c.n, c.y / c.n], zoom);
      c.top = c.cats.indexOf(Math.max.apply(null, c.cats));
      c.radius = c.n === 1 ? 5 : Math.min(26, 6 + 3 * Math.log2(c.n));
    });
    return grid;
  }

  // A cell's tooltip: its count of events (and deaths), and the count of each type in it.
  function cellTip(data, c) {
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

  // Counts per 44-pixel screen cell of the chosen events (indexes into the dataset's arrays).
  function cells(group, data, chosen) {
    project(data);
    var map = null, renderer = L.canvas({padding: 0.3}), layer = L.layerGroup(), size = 44;
    var halos = L.layerGroup();  // the user's events' dark halos, apart from the counted cells
    listed("aggregatedEvents", {count: data.weights ? data.count : chosen.length, layer: layer}, layer);
    var drawnFor = null;  // the view the cells were last counted for
    function redraw() {
      layer.clearLayers();
      halos.clearLayers();
      var view = map.getPixelBounds();
      drawnFor = map.getZoom() + ":" + view.min + ":" + view.max;
      if (map.coupbeltPlaying) { drawnFor = null; return; }  // playback draws its frames' own
      binned(map, data, chosen, size).forEach(function (c) {
        if (data.ringed) {  // the user's events: a white ring in a dark halo, as their markers
          L.circleMarker(c.at, {renderer: renderer, radius: c.radius + 2.5, color: "#222", weight: 1.5,
                                fill: false, interactive: false}).addTo(halos);
        }
        L.circleMarker(c.at, {
          renderer: renderer, radius: c.radius, color: data.ringed ? "#fff" : "#222",
          weight: data.ringed ? 2.5 : 1, fillColor: data.cats[c.top][1], fillOpacity: 0.85
        }).bindTooltip(function () { return cellTip(data, c); }).addTo(layer);  // built on hover
      });
    }
    // The cells follow the map the layer is on: its group is swapped in and out of the page's
    // map on every rerun, and a layer put back on an unmoved map keeps its cells.
    layer.on("add", function () {
      map = layer._map;
      map.on("zoomend moveend coupbeltplay", redraw);
      var view = map.getPixelBounds();
      if (drawnFor !== map.getZoom() + ":" + view.min + ":" + view.max) { redraw(); }
    });
    layer.on("remove", function () {
      if (map) { map.off("zoomend moveend coupbeltplay", redraw); }
      map = null;
    });
    if (data.ringed) { halos.addTo(group); }
    layer.addTo(group);
    return layer;
  }

  // Events during playback. Beside a layer of events that can play, coupbelt.playable(group,
  // play) names their dataset (play.set: the page's events, with play.mask the events the
  // view's filters keep on any day; or a dataset of just those, sorted by day, geo.layers.
  // play_set) and the settled window's length in days (play.window); while its group is on
  // the map, playback draws its events: each frame, those of the window ending on the frame's
  // day, found by binary search on their days, with no request to Python. Up to the dataset's
  // limit, a dot each; more, counts per screen cell, as the settled map draws them.
  function playable(group, play) {
    var Source = L.Layer.extend({
      onAdd: function (map) { (map.coupbeltSources = map.coupbeltSources || new Set()).add(this); },
      onRemove: function (map) { map.coupbeltSources.delete(this); }
    });
    var source = new Source();
    source.ref = play.set;
    source.play = play;
    group.addLayer(source);
  }

  function byDay(data) {  // the events' days ascending, and the events in that order
    if (data.byDay) { return data.byDay; }
    project(data);
    var days = typeof data.days === "string" ? decode(data.days, Int16Array) : data.days;
    var order = new Int32Array(days.length);
    for (var i = 0; i < order.length; i++) { order[i] = i; }
    if (!data.sorted) { order.sort(function (a, b) { return days[a] - days[b] || a - b; }); }
    var sorted = new Int16Array(days.length);
    for (i = 0; i < order.length; i++) { sorted[i] = days[order[i]]; }
    data.byDay = {days: sorted, order: order, of: days};  // of: each event's day
    return data.byDay;
  }

  function firstFrom(days, day) {  // the first index whose day is `day` or later
    var lo = 0, hi = days.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (days[mid] < day) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  function inFrame(source, day) {  // the source's events in the window ending on `day`
    var data = source.data, found = byDay(data), window_ = source.play.window || 1;
    var lo = firstFrom(found.days, Math.max(0, day - window_ + 1)), hi = firstFrom(found.days, day + 1);
    var picked = found.order.subarray(lo, hi);
    if (!source.play.mask) { return picked; }
    var mask = source.mask || (source.mask = decode(source.play.mask, Uint8Array));
    return picked.filter(function (k) { return (mask[k >> 3] >> (k & 7)) & 1; });
  }

  function eventFrames(map) {
    if (map.coupbeltFrames) { return map.coupbeltFrames; }
    var pane = map.createPane("eventFrames");
    pane.style.pointerEvents = "none";  // frames are to look at; the settled map is to click
    var renderer = L.canvas({pane: "eventFrames", padding: 0.3}), layer = L.layerGroup();
    var day = null, on = false, hits = [], tip = null, pointer = null;
    function draw() {
      layer.clearLayers();
      hits = [];
      var drawn = {day: day, events: 0, marks: 0, cells: 0, sources: []};
      (map.coupbeltSources || new Set()).forEach(function (source) {
        if (!source.data) { return; }
        var data = source.data, chosen = inFrame(source, day), zoom = map.getZoom();
        drawn.events += chosen.length;
        var mine = {ringed: !!data.ringed, events: chosen.length, marks: 0, cells: 0};
        drawn.sources.push(mine);
        var ring = data.ringed ? "#fff" : "#222", weight = data.ringed ? 2 : 1;
        if (chosen.length <= data.limit) {
          for (var j = 0; j < chosen.length; j++) {
            var k = chosen[j], s = Math.pow(2, zoom);
            var at = map.unproject([data.points[2 * k] * s, data.points[2 * k + 1] * s], zoom);
            if (data.ringed) {
              L.circleMarker(at, {renderer: renderer, radius: 7.5, color: "#222", weight: 1.5,
                                  fill: false, interactive: false}).addTo(layer);
            }
            L.circleMarker(at, {renderer: renderer, radius: 5, color: ring, weight: weight,
                                fillColor: data.cats[data.classes[k]][1], fillOpacity: 0.85,
                                interactive: false}).addTo(layer);
            hits.push({at: at, radius: 5, data: data, k: k});
            drawn.marks++; mine.marks++;
          }
        } else {
          binned(map, data, chosen, 44).forEach(function (c) {
            L.circleMarker(c.at, {renderer: renderer, radius: c.radius, color: ring, weight: weight,
                                  fillColor: data.cats[c.top][1], fillOpacity: 0.85,
                                  interactive: false}).addTo(layer);
            hits.push({at: c.at, radius: c.radius, data: data, cell: c});
            drawn.cells++; mine.cells++;
          });
        }
      });
      var frames = window.eventFrames = window.eventFrames || [];
      if (frames.push(drawn) > 1000) { frames.shift(); }  // the last frames drawn, for tests
      if (pointer) { hover(pointer); }  // the dot under the pointer, in this frame
    }
    // A frame's dots and cells have the settled markers' and cells' tooltips, built when the
    // pointer is over one (the frame's canvas lets clicks through to the countries).
    function tipOf(hit) {
      var data = hit.data;
      if (hit.cell) { return cellTip(data, hit.cell); }
      if (data.rows) { return markerTip(data.rows[hit.k], data.cats[data.rows[hit.k][2]]); }
      return el("span", longDate(data.byDay.of[hit.k], data.lang) + " · " +
                        data.cats[data.classes[hit.k]][0]);
    }
    function hover(latlng) {
      pointer = latlng;
      var p = map.latLngToContainerPoint(latlng), found = null;
      for (var i = hits.length - 1; i >= 0 && !found; i--) {  // the last drawn is on top
        if (map.latLngToContainerPoint(hits[i].at).distanceTo(p) <= hits[i].radius + 2) { found = hits[i]; }
      }
      L.DomUtil[found ? "addClass" : "removeClass"](map.getContainer(), "frame-hover");
      if (!found) { if (tip) { map.closeTooltip(tip); } return; }
      if (tip && tip.hit === found && tip.isOpen()) { return; }
      tip = tip || L.tooltip({direction: "top", offset: [0, -6]});
      tip.hit = found;
      map.openTooltip(tip.setLatLng(found.at).setContent(tipOf(found)));
    }
    function out() {
      pointer = null;
      L.DomUtil.removeClass(map.getContainer(), "frame-hover");
      if (tip) { map.closeTooltip(tip); }
    }
    map.on("mousemove", function (e) { if (on) { hover(e.latlng); } });
    map.on("mouseout", out);
    map.on("zoomend moveend", function () { if (on) { draw(); } });
    map.coupbeltFrames = {
      start: function (first) {  // Play: the sources' data, asked once, then the first frame
        on = true;
        day = first;
        layer.addTo(map);
        (map.coupbeltSources || new Set()).forEach(function (source) {
          if (source.data) { return; }
          withDataset(source.ref, function (data) { source.data = data; if (on) { draw(); } });
        });
        draw();
      },
      show: function (next) { if (on) { day = next; draw(); } },
      hits: function () { return hits; },  // what the frame drew, for tests
      stop: function () { on = false; hits = []; out(); layer.clearLayers(); layer.remove(); }
    };
    return map.coupbeltFrames;
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
      var size = data.grouped === undefined ? data.count : data.grouped;  // rows sent
      var all = new Int32Array(size);
      for (var i = 0; i < size; i++) {
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

  // The lettered badges of the foreign forces in each country (geo.layers.forces_layer, which
  // places them apart from each other and from the places' labels), a marker a country; their
  // tooltips' text is escaped by Python.
  function badges(group, list) {
    var layer = L.featureGroup().addTo(group);
    list.forEach(function (b) {
      var html = b.forces.map(function (f) {
        return '<div class="force-badge" style="background:' + f.colour + ";color:" + f.text_colour +
               '">' + f.code + "</div>";
      }).join(""), width = 28 * b.forces.length;
      L.marker([b.lat, b.lon], {icon: L.divIcon({className: "force-icon", html: html,
                                                 iconSize: [width, 18], iconAnchor: [width / 2, 9]})})
        .bindTooltip(b.forces.map(function (f) { return f.text; }).join("<br>")).addTo(layer);
    });
    return layer;
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
        layer.on("click", function () {  // Python opens the country's page, or filters on it
          if (channel !== null) { post({type: "open", channel: channel, iso3: feature.properties.iso3}); }
          else if (local) { local.open(feature.properties.iso3); }  // no Python: the page links
        });
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
        followControls(map, list ? follow : null);
        window.coupbeltPaints = (window.coupbeltPaints || 0) + 1;  // reruns' paints drawn here
      },
      onRemove: function () { /* the next paint layer, swapped in, recolours the shapes */ }
    });
    group.addLayer(new Painter());
  }

  // Recolouring at once. A paint layer may name a timeline (`follow`: the set's ID, the day
  // and metric it shows, whether the change steps follow the metric, the time control's
  // texts): every metric's colour runs through time, as the model gives them (the time model's
  // wire, geo/timemodel.py). The time control recolours from it the moment the reader uses
  // it; the rerun that follows a settled choice paints the same colours and brings the
  // tooltips, events and legend of the new date.
  var following = null;  // the last paint's `follow`, with its dataset once loaded
  var showing = null;    // {day, metric} the shapes show: the last paint's or a preview's

  // The colour of a country on a day from the time model's wire (geo/timemodel.py, format
  // coupbelt.timemap/1): its runs are flat [first day, class, detail, ...], first days ascending,
  // each lasting until the next; null outside them.
  function colourAt(classes, runs, day, last) {
    if (!runs || day < 0 || day > last) { return null; }
    var k = runAt(runs, 3, day);
    return k < 0 ? null : classes[runs[3 * k + 1]];
  }

  // The index of the run holding on `day` in a flat list of `width` numbers a run (first days
  // ascending, each lasting until the next), or -1 before the first.
  function runAt(flat, width, day) {
    var lo = 0, hi = flat.length / width - 1, k = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (flat[width * mid] <= day) { k = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return k;
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
        {fill: colourAt(found.colours, found.runs[data.row[iso3]], day, data.last),
         outlined: outlinedOn(iso3, day, painted.countries[iso3].outlined)});
    });
    painted.countries = countries;
    painted.restyle();
    window.coupbeltPreviews = (window.coupbeltPreviews || 0) + 1;
    if (local) { local.shown(day, metric); }  // a map on its own: its title follows the frame
  }

  function followControls(map, follow) {
    following = follow ? Object.assign({}, follow) : null;
    showing = follow ? {day: follow.day, metric: follow.metric} : null;
    window.coupbeltTimelineReady = false;
    if (!follow || !follow.ui) { comparing = undefined; }  // no compare field: Python's outline
    if (!follow) { if (control) { control.hide(); } return; }
    withDataset(follow.set, function (data) {
      if (following && following.set === follow.set) {
        following.data = indexed(data);
        window.coupbeltTimelineReady = true;
        if (follow.ui) { (control = control || timeControl(map)).settle(follow, following.data); }
      }
    });
  }

  // Comparing: the countries whose status (any dimension) changed between the compare day
  // and the day shown are outlined, from the wire's "changed" days (geo/timemodel.py): some
  // day d with min(a, b) < d <= max(a, b). `comparing` is the compare day; null: none;
  // undefined: no compare field on this map (its outline is the paint's, from Python).
  var comparing;

  function changedBetween(days, a, b) {
    var k = firstFrom(days, Math.min(a, b) + 1);
    return k < days.length && days[k] <= Math.max(a, b);
  }

  function outlinedOn(iso3, day, was) {
    var data = following && following.data;
    if (comparing === undefined || !data || !data.changed) { return was; }
    var days = comparing === null ? null : data.changed[data.row[iso3]];
    return !!days && changedBetween(days, comparing, day);
  }

  function reoutline() {  // the compare day moved: the outline of the day shown, at once
    if (!painted || !showing || comparing === undefined) { return; }
    var countries = {};
    Object.keys(painted.countries).forEach(function (iso3) {
      var c = painted.countries[iso3];
      countries[iso3] = Object.assign({}, c, {outlined: outlinedOn(iso3, showing.day, c.outlined)});
    });
    painted.countries = countries;
    painted.restyle();
  }

  // The Compare field of the time control: a toggle, a native date field (2020-01-01 to the
  // wire's last day) and a clear (×) button. `picked(day or null)` gets the reader's choice.
  function compareField(picked) {
    var toggle = el("button", "⇄", "time-compare-toggle"), row = el("div", undefined, "time-row time-compare-row");
    var input = el("input", undefined, "time-compare-date"), clear = el("button", "×", "time-compare-clear");
    var label = el("span", "", "time-compare-label"), last = 0;
    toggle.type = clear.type = "button";
    input.type = "date"; input.min = isoOf(0);
    toggle.setAttribute("aria-pressed", "false");
    row.hidden = true;
    [label, input, clear].forEach(function (e) { row.appendChild(e); });
    function opened(on) {
      row.hidden = !on;
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      if (!row.hidden && comparing === null) { opened(false); return; }
      opened(true);
      input.focus();
    });
    input.addEventListener("change", function () {
      var day = dayOfIso(input.value, last);
      if (day === null && input.value) { return; }  // not a day of the calendar: not taken
      picked(day);
    });
    clear.addEventListener("click", function () { input.value = ""; opened(false); picked(null); });
    return {
      toggle: toggle, row: row,
      settle: function (ui, data, day) {  // a rerun's paint: the committed compare day
        last = data.last;
        input.max = isoOf(last);
        toggle.title = ui.compareOpen; toggle.setAttribute("aria-label", ui.compareOpen);
        label.textContent = ui.compare;
        input.title = ui.compareDate; input.setAttribute("aria-label", ui.compareDate);
        clear.title = ui.compareClear; clear.setAttribute("aria-label", ui.compareClear);
        input.value = day === null || day === undefined ? "" : isoOf(day);
        if (input.value) { opened(true); }
      }
    };
  }

  // The time control on the map: the date scrubber (ticks on the days the metric changes),
  // previous / next change, the metric menu, and play / pause with its speed and step. Moving
  // through time recolours the map here, from the timeline, at once; only a settled choice
  // crosses to Python (the scrubber let go, a step, a metric picked, a pause, the last frame),
  // through the bridge, and comes back as the next rerun's layers. While playing, the date
  // written large on the map is the date shown; the page says its figures are for the
  // settled date.
  var control = null;
  var DAY_MS = 86400000, DAY0 = Date.UTC(2020, 0, 1), longDates = {};

  // A day number as a long date in `lang` (a language or locale: "fr", "en-GB"): "1 August
  // 2023", "1er août 2023" (French writes the first of a month as an ordinal), as Python's
  // geo.i18n.long_date writes it.
  function longDate(day, lang) {
    var format = longDates[lang] || (longDates[lang] = new Intl.DateTimeFormat(lang, {
      day: "numeric", month: "long", year: "numeric", timeZone: "UTC"}));
    var d = new Date(DAY0 + day * DAY_MS), text = format.format(d);
    return /^fr\b/.test(lang) && d.getUTCDate() === 1 ? text.replace(/^1 /, "1er ") : text;
  }

  function isoOf(day) { return new Date(DAY0 + day * DAY_MS).toISOString().slice(0, 10); }

  function dayOfIso(text, last) {  // a YYYY-MM-DD from 2020-01-01 to day `last`: its number
    var t = /^\d{4}-\d{2}-\d{2}$/.test(text || "") ? Date.parse(text + "T00:00:00Z") : NaN;
    var day = isNaN(t) ? null : Math.round((t - DAY0) / DAY_MS);
    return day !== null && day >= 0 && day <= last ? day : null;
  }

  function timeControl(map) {
    var box = L.DomUtil.create("div", "time-control"), ui = null, data = null, settled = null;
    var timer = null, ticks = null;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    function button(cls, text) { var b = el("button", text, cls); b.type = "button"; return b; }
    var row = el("div", undefined, "time-row"), bar = el("div", undefined, "time-row");
    var back = button("time-prev", "|◀"), play = button("time-play", "▶"), next = button("time-next", "▶|");
    var stamp = el("span", "", "time-stamp"), menu = el("select", undefined, "time-metric");
    var slider = el("input", undefined, "time-slider"), list = el("datalist");
    var speed = el("select", undefined, "time-speed"), stepBy = el("select", undefined, "time-step");
    var note = el("div", "", "time-note");
    slider.type = "range"; slider.min = 0; slider.step = 1;
    list.id = "time-ticks"; slider.setAttribute("list", list.id);
    [back, play, next, stamp, menu].forEach(function (e) { row.appendChild(e); });
    [slider, list, speed, stepBy].forEach(function (e) { bar.appendChild(e); });
    box.appendChild(row); box.appendChild(bar); box.appendChild(note);
    var comparer = compareField(function (day) {  // a compare day set or cleared: settled
      stop(false);
      comparing = day;
      reoutline();
      if (!showing) { return; }
      settled = {date: isoOf(showing.day), metric: showing.metric};
      commit({date: settled.date, metric: settled.metric, compare: day === null ? "" : isoOf(day)});
    });
    row.appendChild(comparer.toggle); box.insertBefore(comparer.row, note);
    map.getContainer().appendChild(box);
    function write(day) {
      stamp.textContent = ui ? longDate(day, ui.locale) : isoOf(day);
      slider.value = day;
    }
    function show(day, metric) { preview(day, metric); write(day); }
    function changesOf(metric) {  // the wire's change days: the metric's, or any metric's
      return (following.byMetric ? (data.byKey[metric] || {}).changes : data.changes) || [];
    }
    function changes() { return changesOf(showing.metric); }
    function stepFrom(day, direction) {
      var days = changes(), to = null;
      for (var i = 0; i < days.length; i++) {
        if (direction > 0 && days[i] > day) { to = days[i]; break; }
        if (direction < 0 && days[i] < day) { to = days[i]; }
      }
      return to;
    }
    function commitShown() {
      if (!showing) { return; }
      var fields = {date: isoOf(showing.day), metric: showing.metric};
      if (settled && fields.date === settled.date && fields.metric === settled.metric) { return; }
      settled = fields;
      commit(fields);
    }
    function frameAfter(day) {  // the next frame's day when playing by the chosen step
      var by = stepBy.value;
      if (by === "week") { return day + 7; }
      if (by === "month") {
        var d = new Date(DAY0 + day * DAY_MS);
        return Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY0) / DAY_MS);
      }
      var to = stepFrom(day, 1);
      return to === null ? data.last + 1 : to;
    }
    function events(on) {  // the settled date's events hide while the frames draw their own
      L.DomUtil[on ? "removeClass" : "addClass"](map.getContainer(), "time-playing");
      map.coupbeltPlaying = !on;
      map.fire("coupbeltplay");
      if (on) { eventFrames(map).stop(); } else { eventFrames(map).start(showing.day); }
    }
    function stop(commitIt) {
      if (timer === null) { return; }
      window.clearInterval(timer);
      timer = null;
      play.textContent = "▶";
      play.title = ui.play;
      box.classList.remove("playing");
      events(true);
      note.textContent = "";
      if (commitIt) { commitShown(); }
    }
    function start() {
      if (!showing) { return; }
      if (showing.day >= data.last) { show(0, showing.metric); }
      play.textContent = "⏸";
      play.title = ui.pause;
      box.classList.add("playing");
      note.textContent = ui.settled.replace("{date}", longDate(following.day, ui.locale));
      events(false);
      timer = window.setInterval(function () {
        var to = frameAfter(showing.day);
        if (to > data.last) { stop(true); return; }
        show(to, showing.metric);
        eventFrames(map).show(to);
        window.coupbeltFrames = (window.coupbeltFrames || 0) + 1;
      }, 1000 / (+speed.value || 2));
    }
    play.addEventListener("click", function () { if (timer === null) { start(); } else { stop(true); } });
    back.addEventListener("click", function () {
      stop(false);
      var to = showing && stepFrom(showing.day, -1);
      if (to !== null && to !== undefined) { show(to, showing.metric); commitShown(); }
    });
    next.addEventListener("click", function () {
      stop(false);
      var to = showing && stepFrom(showing.day, 1);
      if (to !== null && to !== undefined) { show(to, showing.metric); commitShown(); }
    });
    slider.addEventListener("input", function () { stop(false); show(+slider.value, showing.metric); });
    slider.addEventListener("change", function () { commitShown(); });  // let go, or a key
    menu.addEventListener("change", function () {
      stop(false);
      show(showing.day, menu.value);
      ticksFor(menu.value);
      commitShown();
    });
    speed.addEventListener("change", function () { if (timer !== null) { stop(false); start(); } });
    function ticksFor(metric) {
      var days = changesOf(metric);
      if (ticks === days) { return; }
      ticks = days;
      list.textContent = "";
      days.forEach(function (d) { var o = el("option"); o.value = d; list.appendChild(o); });
    }
    function options(select, pairs, value) {
      var now = JSON.stringify(pairs);
      if (select.dataset.pairs !== now) {
        select.dataset.pairs = now;
        select.textContent = "";
        pairs.forEach(function (p) { var o = el("option", p[1]); o.value = p[0]; select.appendChild(o); });
      }
      if (value !== undefined) { select.value = value; }
    }
    return {
      hide: function () { stop(false); box.style.display = "none"; },
      // A rerun's paint: the settled date and metric, the page's language and labels.
      settle: function (follow, timeline) {
        box.style.display = "";
        ui = follow.ui; data = timeline;
        comparing = follow.compare === undefined ? null : follow.compare;
        comparer.settle(ui, data, comparing);
        if (timer !== null && settled && settled.date === isoOf(follow.day)) { return; }
        stop(false);
        settled = {date: isoOf(follow.day), metric: follow.metric};
        slider.max = data.last;
        slider.setAttribute("aria-label", ui.date);
        back.title = ui.previous; next.title = ui.next; play.title = ui.play;
        back.setAttribute("aria-label", ui.previous); next.setAttribute("aria-label", ui.next);
        play.setAttribute("aria-label", ui.playPause);
        menu.setAttribute("aria-label", ui.metric); speed.setAttribute("aria-label", ui.speed);
        stepBy.setAttribute("aria-label", ui.step);
        options(menu, Object.keys(data.titles).map(function (t) { return [data.titles[t], t]; }), follow.metric);
        options(speed, [1, 2, 4, 8].map(function (f) { return [String(f), ui.fps.replace("{n}", f)]; }), speed.value || "2");
        options(stepBy, [["change", ui.byChange], ["week", ui.byWeek], ["month", ui.byMonth]], stepBy.value || "month");
        ticksFor(follow.metric);
        write(follow.day);
        reoutline();
      },
      playing: function () { return timer !== null; }
    };
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

  // The reader's view of this map (centre and zoom) is Python's: on load the map says hello
  // on its channel (the page's map key) and the bridge answers with the view committed for it
  // (a rerun that re-created the map, a return to the page, a link's view=); once the reader
  // has moved the map and it has settled, the map commits its view, and Python writes it into
  // the link. An intent (a saved view reopened on an open map) moves it once, by its number.
  var channel = null;

  function commit(fields) {
    if (channel === null) {  // no Python behind the map: applied here (standalone)
      if (local && (fields.date || "compare" in fields)) { local.commit(fields); }
      return;
    }
    post({type: "commit", channel: channel, view: fields});
  }

  function keepView(map, name) {
    channel = name;
    var applied = null, greeted = false, settle = null, known = null;
    function current() {
      var c = map.getCenter();
      return [+c.lat.toFixed(3), +c.lng.toFixed(3), +map.getZoom().toFixed(2)];
    }
    function go(viewport) {
      if (!Array.isArray(viewport) || viewport.length !== 3 || !viewport.every(isFinite)) { return; }
      known = viewport.join(",");
      map.setView([viewport[0], viewport[1]], viewport[2], {animate: false});
    }
    function heard(m) {
      if (m.channel !== channel) { return; }
      var fresh = !greeted;
      greeted = true;
      if (m.intent && m.intent.seq !== applied) {
        applied = m.intent.seq;
        if (m.intent.viewport) { go(m.intent.viewport); return; }
      }
      if (fresh && m.view && m.view.viewport) { go(m.view.viewport); }
      if (m.view) { window.coupbeltCommitted = m.view; }
    }
    on("view", heard);
    on("intent", heard);
    (function hello(tries) {  // the bridge may be mounted a moment after the map
      if (greeted || tries > 300) { return; }
      post({type: "hello", channel: channel});
      window.setTimeout(function () { hello(tries + 1); }, 200);
    })(0);
    map.on("moveend", function () {
      if (settle) { window.clearTimeout(settle); }
      settle = window.setTimeout(function () {  // settled: no move for half a second
        var now = current();
        if (now.join(",") === known) { return; }
        known = now.join(",");
        commit({viewport: now});
      }, 500);
    });
    window.coupbeltMaps = (window.coupbeltMaps || 0) + 1;  // counts Leaflet maps made here
  }

  // Countries' names ([name, lat, lon] rows) in the places' pane, hidden on a wide map below
  // zoom 4, where they would cover the map.
  function countryLabels(map, rows) {
    if (!map.getPane("places")) { map.createPane("places").style.pointerEvents = "none"; }
    rows.forEach(function (row) {
      L.marker([row[1], row[2]], {pane: "places", interactive: false, keyboard: false,
                                  icon: L.divIcon({className: "", iconSize: [0, 0], html: ""})})
        .bindTooltip(el("span", row[0]), {permanent: true, direction: "center",
                                          className: "country-label", pane: "places"})
        .addTo(map);
    });
    function zoomed() {
      L.DomUtil[map.getZoom() < 4 && map.getSize().x >= 600 ? "addClass" : "removeClass"](
        map.getContainer(), "hide-country-labels");
    }
    map.on("zoomend resize", zoomed);
    zoomed();
  }

  // A map with no Python behind it: the static site and the exported file (geo/site.py,
  // map_payload: the page's words, the borders, the places and the time model's wire). The
  // same time control as on the dashboard; a settled choice, which would cross to Python
  // there, is applied here from the wire: the paint (fills and tooltips), the legend and the
  // events of the settled day, swapped in as one group, as a rerun's layers are.
  var local = null;

  function standalone(root, data) {
    var wire = data.wire;
    if (!wire || wire.format !== "coupbelt.timemap/1") {
      throw new Error("coupbelt: expected a coupbelt.timemap/1 wire, got " + (wire && wire.format));
    }
    var ui = data.ui, strings = wire.strings, byKey = {}, row = {}, names = {};
    wire.metrics.forEach(function (m) { byKey[m.key] = m; });
    wire.countries.forEach(function (iso3, i) { row[iso3] = i; });
    data.borders.features.forEach(function (f) { names[f.properties.iso3] = f.properties.name; });
    var events = wire.events || [];
    var locale = ui.time.locale;  // the time control's, so its dates and the title's agree
    function clamp(day) { return Math.max(0, Math.min(wire.last, Math.round(day))); }
    function dayIn(text) { return dayOfIso(text, wire.last); }

    var mapDiv = el("div", undefined, "tm-map"), title = el("h1", "", "tm-title");
    var credit = el("div", data.credit, "tm-credit");
    credit.id = "tm-credit";
    [mapDiv, title, credit].forEach(function (e) { root.appendChild(e); });
    var map = L.map(mapDiv, {zoomSnap: 0.25, minZoom: 3, attributionControl: false,
                             zoomAnimation: false});
    // the whole region; on a narrow upright map (a phone), West Africa across its width
    var size = map.getSize();
    map.fitBounds(size.x < 600 && size.y > size.x && data.phone_bounds ? data.phone_bounds
                  : data.bounds);
    reading(map);
    countries(map, data.borders);
    places(map, data.places || []);
    countryLabels(map, data.country_labels || []);
    register(map, "wire", wire);  // the timeline the time control follows

    function paintList(day, metric) {  // what Python's choropleth_layer sends, from the wire
      var m = byKey[metric];
      return Object.keys(names).map(function (iso3) {
        var runs = m.runs[row[iso3]], k = runs && day >= 0 && day <= wire.last ? runAt(runs, 3, day) : -1;
        var cls = k >= 0 ? m.classes[runs[3 * k + 1]] : null;
        var lines = wire.summaries[row[iso3]] || [], s = runAt(lines, 2, day);
        var summary = s >= 0 ? strings[lines[2 * s + 1]] : "";
        return {iso3: iso3, name: names[iso3], status: cls ? cls[1] : "",
                detail: k >= 0 ? strings[runs[3 * k + 2]] || "" : "",
                all: summary ? summary.split("\n") : [], fill: cls ? cls[2] : null, outlined: false};
      });
    }
    function titleOf(day, metric) {
      return data.title.replace("{project}", data.project).replace("{metric}", byKey[metric].title)
        .replace("{date}", longDate(day, locale));
    }

    // The wire's events as a dataset of the dashboard's kind (coupbelt.events): their marker
    // rows ([lat, lon, class, date, title, place, summary, sources, id, note]) and days, sorted
    // by day; the settled day's markers are a slice of it, and playback draws its frames from
    // it (coupbelt.playable), as the dashboard's do.
    var shown = {cats: wire.categories, sources: ui.sources, eventsText: ui.events_text,
                 lang: data.lang, limit: data.limit, sorted: true,
                 days: Int16Array.from(events, function (r) { return r[0]; }),
                 rows: events.map(function (r) {
                   return [r[1], r[2], r[3], longDate(r[0], locale), r[4], r[5], r[6], r[7], r[8], r[9]];
                 })};

    // The force badges of every day: [first day, badges] runs, as forces_layer draws them.
    var forces = data.forces || [], forceDays = forces.map(function (f) { return f[0]; });

    var group = null, state = {day: clamp(data.day), metric: data.metric};
    var compareDay = null;  // the compare field's day (the link's #...&compare=), or null
    function apply(day, metric) {
      state = {day: clamp(day), metric: byKey[metric] ? metric : state.metric};
      day = state.day; metric = state.metric;
      if (group) { map.removeLayer(group); }
      group = L.layerGroup();
      var m = byKey[metric], used = {};
      var from = firstFrom(shown.days, day - data.window + 1), rows = shown.rows.slice(from, firstFrom(shown.days, day + 1));
      rows.forEach(function (r) { used[r[2]] = true; });
      paint(group, paintList(day, metric), [ui.country, m.title, ui.details, ui.on_date],
            {set: "wire", day: day, metric: metric, byMetric: true, ui: ui.time,
             compare: compareDay});
      var sections = [[m.title, m.classes.map(function (c) { return ["box", c[2], c[1]]; })]];
      if (compareDay !== null) {  // the outline's meaning, as the dashboard's legend says it
        sections[0][1].push(["box outline", "transparent",
                             ui.changed_since.replace("{date}", longDate(compareDay, locale))]);
      }
      var cats = [];
      wire.categories.forEach(function (c, i) { if (used[i]) { cats.push(["dot", c[1], c[0]]); } });
      if (cats.length) { sections.push([ui.events_window.replace("{days}", data.window), cats]); }
      var f = firstFrom(forceDays, day + 1) - 1;  // the settled day's force badges
      if (f >= 0 && forces[f][1].length) { badges(group, forces[f][1]); }
      if (forces.length) { sections = sections.concat(data.forces_legend || []); }
      legend(group, ui.legend, sections, "legend");
      if (rows.length > shown.limit) {  // counts per screen cell, as the dashboard draws them
        cells(group, shown, Int32Array.from(rows, function (r, i) { return from + i; }));
      } else if (rows.length) { markers(group, shown, rows); }
      if (events.length) { playable(group, {set: shown, window: data.window}); }
      group.addTo(map);
      title.textContent = titleOf(day, metric);
      try {  // the view in the link, so a copied link reopens it (may be refused under file://)
        history.replaceState(null, "", "#date=" + isoOf(day) + "&metric=" + metric +
                             (compareDay === null ? "" : "&compare=" + isoOf(compareDay)));
      } catch (e) { /* not essential */ }
    }
    local = {
      commit: function (fields) {
        if ("compare" in fields) { compareDay = fields.compare ? dayIn(fields.compare) : null; }
        apply(fields.date ? dayIn(fields.date) : state.day, fields.metric || state.metric);
      },
      shown: function (day, metric) { title.textContent = titleOf(day, metric); },
      open: function (iso3) {  // a country's page as of the date on the map
        if (!data.country_link) { return; }
        window.location.href = data.country_link.replace("{iso3}", encodeURIComponent(iso3)) +
          "#date=" + isoOf(showing ? showing.day : state.day);
      }
    };

    // A link's #date=YYYY-MM-DD&metric=... opens on that view.
    var asked = {};
    (window.location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length === 2) { asked[kv[0]] = decodeURIComponent(kv[1]); }
    });
    var t = /^\d{4}-\d{2}-\d{2}$/.test(asked.date || "") ? Date.parse(asked.date + "T00:00:00Z") : NaN;
    compareDay = asked.compare ? dayIn(asked.compare) : null;  // #...&compare=YYYY-MM-DD
    apply(isNaN(t) ? state.day : (t - DAY0) / DAY_MS, asked.metric || state.metric);

    var shapes = map.coupbeltShapes;
    return {  // for tests and embedding pages
      map: map, layers: shapes,
      setDay: function (day) { apply(day, state.metric); },  // settled: a pause, like a release
      setMetric: function (metric) { apply(state.day, metric); },
      day: function () { return showing ? showing.day : state.day; },
      metric: function () { return showing ? showing.metric : state.metric; },
      date: function () { return isoOf(showing ? showing.day : state.day); },
      compare: function () { return compareDay === null ? null : isoOf(compareDay); },
      outlined: function () {  // the countries drawn with the compare outline
        return Object.keys(shapes).filter(function (k) { return !!shapes[k].options.dashArray; });
      },
      playing: function () { return control.playing(); },
      fill: function (iso3) { return shapes[iso3] ? shapes[iso3].options.fillColor : null; }
    };
  }

  // The exported file and the static site: the page's data in #timemap-data, drawn in #timemap.
  function startPage() {
    var node = document.getElementById("timemap-data"), root = document.getElementById("timemap");
    if (!node || !root) { return; }
    while (root.firstChild) { root.removeChild(root.firstChild); }
    window.timemap = standalone(root, JSON.parse(node.textContent));
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", startPage); } else { startPage(); }

  window.coupbelt = {commit: commit, legend: legend, tileNote: tileNote, places: places,
                     keepView: keepView, events: events, playable: playable, register: register,
                     countries: countries, paint: paint, counted: counted, reading: reading,
                     badges: badges};
})();
