/* Map helpers of the Sahel coup-belt dashboard, served by the app itself (no CDN).

   coupbelt.legend(group, title, sections, id): adds to `group` a Leaflet layer that shows the
   legend in the map's corner while it is on the map. An entry is [class, colour, text] or, for
   a reference circle of a marker size, [class, colour, text, diameter in pixels]. Python swaps it with the other date-dependent layers, so the legend
   always matches the colours. Built with textContent: no text is ever parsed as HTML.

   coupbelt.stamp(group, text): the same for a playback frame's date, shown large.

   coupbelt.tileNote(group, text): a note on the map when basemap tiles fail (offline).

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
        box = build();
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
    group.addLayer(boxLayer(function () {
      var box = document.createElement("details");
      box.className = "map-legend";
      box.id = "map-legend";
      box.open = id in legendOpen ? legendOpen[id] : true;
      box.addEventListener("toggle", function () { legendOpen[id] = box.open; });
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
      return box;
    }));
  }

  // The date of a playback frame, large in the map's corner.
  function stamp(group, text) {
    group.addLayer(boxLayer(function () {
      var box = document.createElement("div");
      box.className = "map-stamp";
      box.textContent = text;
      return box;
    }));
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
    window.coupbeltMaps = (window.coupbeltMaps || 0) + 1;  // counts Leaflet maps made here
  }

  window.coupbelt = {legend: legend, stamp: stamp, tileNote: tileNote, keepView: keepView};
})();
