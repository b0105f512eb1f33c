/* The declared channel between a map's frame and Python (app/bridge.py): a Streamlit
   Components v2 element with no markup, mounted in the page itself (no iframe).

   The map, inside streamlit-folium's frame, posts to its parent window
     {ns: "timemap", channel, type: "hello"}            on load: it gets back the committed view
     {ns: "timemap", channel, type: "commit", view: {...}} a settled choice (pause, release of the
                                                         scrubber, a metric picked, the map moved)
     {ns: "timemap", channel, type: "open", iso3}        a click on a country
     {ns: "timemap", channel, type: "need", id}          a dataset it draws from (events, shapes)
   and this element checks the sender's origin and the channel before it sets its state (one
   rerun) or answers. Python sends the other way, in `data`: the committed view, and an intent
   (a link opened, a saved view reopened, a date chosen elsewhere) with a sequence number that
   the map applies once. The element reads and writes nothing of the page but its own
   messages. Streamlit calls this function again with the same parentElement when `data`
   changes: its listener is installed once, kept on that element. */
export default function (component) {
  var parentElement = component.parentElement;
  var held = parentElement.__timemap;
  if (!held) {
    held = parentElement.__timemap = {};
    held.answer = function (target, message) {
      message.ns = "timemap";
      message.channel = held.data.channel;
      try { target.postMessage(message, location.origin); } catch (e) { /* gone */ }
    };
    held.listen = function (e) {
      var m = e.data, now = held.data;
      if (e.origin !== location.origin || !m || m.ns !== "timemap" || !e.source) { return; }
      if (m.type === "need") {  // a dataset the page holds for its maps, by ID
        if (now.sets && Object.prototype.hasOwnProperty.call(now.sets, m.id)) {
          held.answer(e.source, {type: "data", id: m.id, data: now.sets[m.id]});
        }
        return;
      }
      if (!now.channel || m.channel !== now.channel) { return; }
      if (m.type === "hello") {
        held.answer(e.source, {type: "view", view: now.view || null, intent: now.intent || null});
      } else if (m.type === "commit" && m.view && typeof m.view === "object") {
        held.setState("view", m.view);
      } else if (m.type === "open" && typeof m.iso3 === "string") {
        held.setTrigger("open", m.iso3);
      }
    };
    window.addEventListener("message", held.listen);
    held.cleanup = function () {
      window.removeEventListener("message", held.listen);
      delete parentElement.__timemap;
    };
  }
  // this call's data and callbacks are the ones the next message uses
  held.data = component.data || {};
  held.setState = component.setStateValue;
  held.setTrigger = component.setTriggerValue;
  var intent = held.data.intent;
  if (held.data.channel && intent && intent.seq !== held.sent) {
    held.sent = intent.seq;
    // every frame of this page hears it; the map of this channel applies it once (by seq)
    for (var i = 0; i < window.frames.length; i++) {
      held.answer(window.frames[i], {type: "intent", view: held.data.view || null, intent: intent});
    }
  }
  return held.cleanup;
}
