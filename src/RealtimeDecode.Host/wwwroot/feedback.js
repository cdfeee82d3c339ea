"use strict";
// Participant feedback: one target, or a weighted combination, as a high-contrast thermometer.
// Settings come from the server's Feedback configuration; URL parameters override them:
//   ?target=joy  or  ?weights=joy:1,fear:-0.5   &smooth=3 (mean of the last N estimates)
//   &min=0&max=1 (display range)  &zone=0.6-0.8 (target zone)  &label=Joy  &token=...
(async () => {
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || params.get("access_token");
  let cfg = {};
  try { cfg = await (await fetch("/api/feedback" + (token ? `?access_token=${encodeURIComponent(token)}` : ""))).json(); } catch { cfg = {}; }
  const get = (k, d) => params.get(k) ?? cfg[k] ?? d;
  let weights = null;
  const w = get("weights", null), target = get("target", null);
  if (w) weights = Object.fromEntries(String(w).split(",").map(p => { const [k, v] = p.split(":"); return [k.trim(), +(v ?? 1)]; }));
  else if (target) weights = { [target]: 1 };
  const smooth = Math.max(1, +get("smooth", 3));
  const min = +get("min", 0), max = +get("max", 1);
  const zone = String(get("zone", "")).split("-").map(Number);
  const label = get("label", null);
  $id("min").textContent = String(min); $id("max").textContent = String(max);
  const recent = [];
  function $id(id) { return document.getElementById(id); }
  const $ = id => document.getElementById(id);
  window.rtfeedback = { values: [], connected: false };

  if (zone.length === 2 && zone.every(Number.isFinite)) {
    const lo = (zone[0] - min) / (max - min), hi = (zone[1] - min) / (max - min);
    Object.assign($("zone").style, { bottom: `${Math.max(0, lo) * 100}%`, height: `${Math.max(0, Math.min(1, hi) - Math.max(0, lo)) * 100}%` });
  } else $("zone").style.display = "none";

  function show(m) {
    if (!weights) weights = { [m.targets[0]]: 1 };
    let v = 0;
    for (const [k, wk] of Object.entries(weights)) { const i = m.targets.indexOf(k); if (i >= 0) v += wk * Number(m.values[i]); }
    if (!Number.isFinite(v)) return; // a volume without a usable estimate leaves the display as it was
    recent.push(v); if (recent.length > smooth) recent.shift();
    const s = recent.reduce((a, b) => a + b, 0) / recent.length;
    const f = Math.max(0, Math.min(1, (s - min) / (max - min)));
    $("fill").style.height = `${f * 100}%`;
    $("value").textContent = s.toFixed(2);
    $("label").textContent = label ?? Object.keys(weights).join(" + ");
    $("wait").textContent = "";
    document.body.classList.toggle("inzone", zone.length === 2 && s >= zone[0] && s <= zone[1]);
    window.rtfeedback.values.push(s);
  }

  let last = -1;
  const conn = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/decoder" + (params.get("session") ? `?session=${encodeURIComponent(params.get("session"))}` : ""), token ? { accessTokenFactory: () => token } : {})
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * (ctx.previousRetryCount + 1)) })
    .build();
  conn.on("estimate", m => { if (m.volume > last) { last = m.volume; show(m); } });
  async function start() {
    try {
      await conn.start();
      const snap = await conn.invoke("GetSession");
      const tail = snap.estimates.slice(-smooth);
      for (const m of tail) if (m.volume > last) { last = m.volume; show(m); }
      window.rtfeedback.connected = true;
    } catch { setTimeout(start, 2000); }
  }
  conn.onclose(() => setTimeout(start, 2000));
  start();
})();
