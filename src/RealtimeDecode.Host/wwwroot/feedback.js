"use strict";
// Participant feedback display.
// With a protocol (replay/live --protocol) the host sends one frame per volume (hub event "feedback"):
// the condition's instruction screen, the thermometer only when the frame carries a value, the block
// score after an intermittent block, and "keep still" while the window is censored. Each drawn frame is
// acknowledged to the host (hub method FeedbackDrawn), which records the display time in feedback.tsv.
// Without a protocol: one target, or a weighted combination, as a high-contrast thermometer.
// Settings come from the server's Feedback configuration; URL parameters override them:
//   ?target=joy  or  ?weights=joy:1,fear:-0.5   &smooth=3 (mean of the last N estimates)
//   &min=0&max=1 (display range)  &zone=0.6-0.8 (target zone)  &label=Joy  &keepstill=0  &token=...
// Every label (targets, conditions, instructions) is set as text, never as markup.
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
  let min = +get("min", 0), max = +get("max", 1);
  const zone = String(get("zone", "")).split("-").map(Number);
  const label = get("label", null);
  const ks = String(params.get("keepstill") ?? cfg.keepStill ?? true);
  const keepStillOn = !(ks === "0" || ks === "false");
  const $ = id => document.getElementById(id);
  $("min").textContent = String(min); $("max").textContent = String(max);
  const recent = [];
  window.rtfeedback = { values: [], frames: [], cues: [], current: null, protocol: null, connected: false, paused: false, acks: 0, problem: null, run: 0 };

  // The weights' names matched to the model's targets (exactly, else without regard to case when that is unambiguous).
  // A name the model lacks would make a bar that never moves: the page says so instead of showing a value.
  let resolved = null;
  function resolve(targets) {
    if (resolved && resolved.targets === targets.join("\u0000")) return resolved;
    const index = {}, unknown = [];
    for (const k of Object.keys(weights)) {
      let i = targets.indexOf(k);
      if (i < 0) { const m = targets.filter(t => t.toLowerCase() === k.toLowerCase()); if (m.length === 1) i = targets.indexOf(m[0]); }
      if (i < 0) unknown.push(`unknown target '${k}'`); else if (!Number.isFinite(weights[k])) unknown.push(`weight of '${k}' is not a number`); else index[k] = i;
    }
    resolved = { targets: targets.join("\u0000"), index, unknown };
    const problem = unknown.length ? `${unknown.join(", ")}; this model's targets: ${targets.join(", ")}` : null;
    window.rtfeedback.problem = problem;
    document.body.classList.toggle("problem", !!problem);
    if (problem) { $("wait").textContent = problem; $("value").textContent = "–"; $("fill").style.height = "0"; $("label").textContent = "–"; }
    return resolved;
  }
  // The label of a weighted display: "joy", "joy − sadness", "joy + 0.5 × fear" (the model's spelling of each name).
  function describe(r, targets) {
    return Object.entries(weights).map(([k, wk], j) => {
      const a = Math.abs(wk), term = a === 1 ? targets[r.index[k]] : `${a} × ${targets[r.index[k]]}`;
      return wk < 0 ? (j === 0 ? `−${term}` : ` − ${term}`) : (j === 0 ? term : ` + ${term}`);
    }).join("");
  }

  if (zone.length === 2 && zone.every(Number.isFinite)) {
    const lo = (zone[0] - min) / (max - min), hi = (zone[1] - min) / (max - min);
    Object.assign($("zone").style, { bottom: `${Math.max(0, lo) * 100}%`, height: `${Math.max(0, Math.min(1, hi) - Math.max(0, lo)) * 100}%` });
  } else $("zone").style.display = "none";

  function setFill(v) {
    const f = Math.max(0, Math.min(1, (v - min) / (max - min)));
    $("fill").style.height = `${f * 100}%`;
    $("value").textContent = v.toFixed(2);
  }

  // ---------- without a protocol: the estimates themselves ----------
  function show(m) {
    document.body.classList.toggle("keepstill", keepStillOn && !!m.censored);
    window.rtfeedback.cues.push({ volume: m.volume, keepStill: document.body.classList.contains("keepstill"), withheld: !!m.withheld });
    if (m.withheld) return; // the host withholds this estimate from the participant
    if (!weights) weights = { [m.targets[0]]: 1 };
    const r = resolve(m.targets);
    if (r.unknown.length) return;
    let v = 0;
    for (const [k, wk] of Object.entries(weights)) v += wk * Number(m.values[r.index[k]]);
    if (!Number.isFinite(v)) return; // a volume without a usable estimate leaves the display as it was
    recent.push(v); if (recent.length > smooth) recent.shift();
    const s = recent.reduce((a, b) => a + b, 0) / recent.length;
    setFill(s);
    $("label").textContent = label ?? describe(r, m.targets);
    $("wait").textContent = "";
    document.body.classList.toggle("inzone", zone.length === 2 && s >= zone[0] && s <= zone[1]);
    window.rtfeedback.values.push(s);
  }

  // ---------- with a protocol: the host's frames ----------
  let protocol = null, lastRun = 0, lastFrame = -1;
  function useProtocol(p) {
    protocol = p; window.rtfeedback.protocol = p;
    min = p.rangeMin; max = p.rangeMax;
    $("min").textContent = String(min); $("max").textContent = String(max);
    $("zone").style.display = "none";
    $("wait").textContent = "";
    document.body.classList.add("protocol", "nothermo");
  }

  function draw(m) {
    if (m.run < lastRun || (m.run === lastRun && m.volume <= lastFrame)) return;
    lastRun = m.run; lastFrame = m.volume;
    const screen = $("screen");
    screen.textContent = m.instruction ?? "";
    screen.style.color = m.colour || "#ffffff";
    const shown = m.value !== null && m.value !== undefined && Number.isFinite(Number(m.value));
    document.body.classList.toggle("nothermo", !shown);
    if (shown) {
      setFill(Number(m.value));
      $("label").textContent = m.score ? "Score" : (label ?? "");
      window.rtfeedback.values.push(Number(m.value));
    }
    document.body.classList.toggle("keepstill", keepStillOn && !!m.keepStill);
    const frame = { run: m.run, volume: m.volume, block: m.block, condition: m.condition, instruction: screen.textContent,
      thermometer: shown, value: shown ? Number(m.value) : null, score: !!m.score, keepStill: !!m.keepStill, drawnAt: null };
    window.rtfeedback.frames.push(frame);
    window.rtfeedback.current = frame;
    // The new screen is painted in the next animation frame: the draw time is that frame's start, or the DOM
    // update if the frame started before it (a frame's timestamp may precede its callbacks). Acknowledge it with
    // the delay since then.
    const updated = performance.now();
    requestAnimationFrame(ts => {
      const drawn = Math.max(ts, updated);
      frame.drawnAt = performance.timeOrigin + drawn;
      conn.send("FeedbackDrawn", m.run, m.volume, Math.max(0, performance.now() - drawn))
        .then(() => { window.rtfeedback.acks++; }, () => {});
    });
  }

  // Runs: a live session's new scanner series is a new run whose volumes count from 0 again, and every estimate and
  // status names its run. A later run empties the bar until its first estimate (the smoothing never mixes two runs);
  // an earlier run's estimates are left out.
  let last = -1, estimateRun = 0, started = null;
  function enterRun(run) {
    run = run || 0; // a host that predates runs: one run
    if (run < estimateRun) return false;
    if (run > estimateRun) {
      const shown = estimateRun > 0 && window.rtfeedback.values.length > 0;
      estimateRun = run; window.rtfeedback.run = run;
      afresh(shown);
    }
    return true;
  }
  // The bar waits for the first estimate of what follows (shown: it had a value to take away).
  function afresh(shown) {
    last = -1; recent.length = 0;
    if (shown && !window.rtfeedback.problem) {
      $("fill").style.height = "0"; $("value").textContent = "–";
      document.body.classList.remove("inzone", "keepstill");
      $("wait").textContent = "waiting for the first estimate";
    }
  }
  // Sessions: a session id whose session ended or went stale can be taken over by a new decoder, whose runs and volumes
  // count from the start again; its status names another start (session.startedUnixMs). The bar then empties as for a
  // new run, and true says the new session so far is to be taken from the host.
  function enterSession(s) {
    if (!s || !s.startedUnixMs || s.startedUnixMs === started) return false;
    const replaced = started !== null;
    started = s.startedUnixMs;
    if (replaced) { estimateRun = 0; window.rtfeedback.run = 0; afresh(window.rtfeedback.values.length > 0); }
    return replaced;
  }
  function fresh(m) {
    if (!enterRun(m.run) || m.volume <= last) return false;
    last = m.volume;
    return true;
  }
  const conn = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/decoder" + (params.get("session") ? `?session=${encodeURIComponent(params.get("session"))}` : ""), token ? { accessTokenFactory: () => token } : {})
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * (ctx.previousRetryCount + 1)) })
    .build();
  // A host that follows a session decoded elsewhere says when its decoder has sent no news for a while (state "stale":
  // killed, hung or cut off): the last value is not live then, so the bar is greyed and says so, until news comes again.
  function pause(on) {
    window.rtfeedback.paused = on;
    document.body.classList.toggle("paused", on);
  }
  conn.on("estimate", m => { if (!protocol && fresh(m)) { pause(false); show(m); } });
  conn.on("status", m => {
    pause(m.state === "stale");
    if (protocol) return;
    // The new session's estimates that came before its status were skipped as volumes already shown.
    if (enterSession(m.session)) resume().catch(() => {}); else enterRun(m.run);
  });
  let early = null; // frames that arrive while the state is being fetched
  conn.on("feedback", m => { if (early) early.push(m); else if (protocol) draw(m); });
  async function resume() {
    early = [];
    let state;
    try { state = await conn.invoke("GetFeedbackState"); }
    finally { var queued = early; early = null; }
    document.body.classList.remove("pending"); // the first screen is known: the protocol's, or the thermometer
    if (state.protocol) {
      useProtocol(state.protocol);
      if (state.current) draw(state.current); // a reload resumes at the current condition
      for (const m of queued) draw(m);
      return;
    }
    if (!window.rtfeedback.values.length && !window.rtfeedback.problem) $("wait").textContent = "waiting for the first estimate";
    const snap = await conn.invoke("GetSession");
    pause(snap.status.state === "stale");
    enterSession(snap.status.session);
    enterRun(snap.status.run);
    const tail = snap.estimates.filter(m => (m.run || 0) === estimateRun).slice(-smooth);
    for (const m of tail) if (fresh(m)) show(m);
  }
  async function start() {
    try {
      await conn.start();
      await resume();
      contact(true);
    } catch { setTimeout(start, 2000); }
  }
  // Without the host the screen would go on showing its last frame as if it were live: say it is not.
  function contact(on) {
    window.rtfeedback.connected = on;
    document.body.classList.toggle("stale", !on);
    $("contact").textContent = on ? "" : "no connection to the decoder: the display is not live";
  }
  conn.onreconnecting(() => contact(false));
  conn.onreconnected(async () => { await resume(); contact(true); });
  conn.onclose(() => { contact(false); setTimeout(start, 2000); });
  start();
})();
