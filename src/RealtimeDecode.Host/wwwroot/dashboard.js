"use strict";
// RealtimeDecode dashboard: live estimates, connectivity heatmap, ROI traces and QC from the hub at /hubs/decoder.
(() => {
  const COLORS = ["#e6194b", "#f58231", "#ffe119", "#3cb44b", "#42d4f4", "#4363d8", "#911eb4", "#f032e6", "#9a6324", "#bfef45", "#469990", "#dcbeff"];
  const STATUS_COLORS = { ok: "#3cb44b", missing: "#e6194b", corrupt: "#f032e6", late: "#f5a623", duplicate: "#4aa3ff", stray: "#9a6324", "grid-changed": "#911eb4", "affine-changed": "#bfef45", "skipped-existing": "#a9a9a9" };
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || params.get("access_token");
  const $ = id => document.getElementById(id);

  const state = {
    session: null, started: null, targets: [], xs: [], ys: [], lastVolume: -1, run: 0, series: null,
    qc: new Map(), latX: [], latY: [], motY: [], roiX: [], roiRows: [],
    connectivity: null, lastArrival: null, heatmapDraws: 0,
    displayLatencies: [], pending: null, dirty: false, justReceived: [],
    protocol: null, blocks: [], condition: null, learning: [],
    headX: [], headY: [[], [], [], [], [], []], fdY: [], highMotion: new Set(), censored: new Set(), alarm: null,
  };
  window.rtdecode = {
    state,
    points: () => state.xs.length,
    lastVolume: () => state.lastVolume,
    heatmapDraws: () => state.heatmapDraws,
    displayLatencies: () => state.displayLatencies.slice(),
    connected: () => state.connected,
    protocol: () => state.protocol,
    shadedBlocks: () => state.blocks.slice(),
    condition: () => state.condition,
    learning: () => state.learning.slice(),
    motionPoints: () => state.headX.length,
    highMotionCount: () => state.highMotion.size,
    censoredCount: () => state.censored.size,
    alarm: () => state.alarm,
    run: () => state.run,
  };

  // ---------- charts ----------
  let estChart = null, latChart = null, roiChart = null, motChart = null, fdChart = null, learnChart = null;
  const width = el => Math.max(300, el.clientWidth || el.parentElement.clientWidth - 24);

  function makeEstimateChart(targets) {
    if (estChart) estChart.destroy();
    const el = $("estimates");
    const series = [{ label: "volume" }].concat(targets.map((t, i) => ({ label: t, stroke: COLORS[i % COLORS.length], width: 2 })));
    estChart = new uPlot({ width: width(el), height: 420, series, scales: { x: { time: false } },
      axes: [{ stroke: "#8a93a6", grid: { stroke: "#262c3a" } }, { stroke: "#8a93a6", grid: { stroke: "#262c3a" } }],
      legend: { live: true }, hooks: { drawClear: [shadeBlocks] } }, [state.xs, ...state.ys], el);
    $("values").replaceChildren(...targets.map((t, i) => {
      const d = node("div", "value", node("div", "name", t), node("div", "num", "–"));
      d.style.borderColor = COLORS[i % COLORS.length];
      d.lastChild.dataset.target = String(i);
      return d;
    }));
  }

  function makeLatencyChart() {
    const el = $("latency-chart");
    latChart = new uPlot({ width: width(el), height: 150, scales: { x: { time: false } },
      series: [{ label: "volume" }, { label: "latency (ms)", stroke: "#4aa3ff", width: 1.5, scale: "ms" },
        { label: "motion (ROI DVARS)", stroke: "#f5a623", width: 1.5, scale: "mot" }],
      axes: [{ stroke: "#8a93a6", grid: { stroke: "#262c3a" } }, { scale: "ms", stroke: "#4aa3ff", grid: { stroke: "#262c3a" } },
        { scale: "mot", side: 1, stroke: "#f5a623", grid: { show: false } }] },
      [state.latX, state.latY, state.motY], el);
  }

  // ---------- protocol ----------
  const ROLE_SHADES = { baseline: "#8a93a6" };

  // The estimates of block b are those whose described time (v − (W − 1)/2)·TR − delay lies in the block:
  // v in [(onset + delay)/TR + (W − 1)/2, (end + delay)/TR + (W − 1)/2), the feedback kernel's assignment.
  function useProtocol(p) {
    state.protocol = p;
    if (!p) { state.blocks = []; $("shading-note").textContent = ""; return; }
    const roles = Object.fromEntries(p.conditions.map(c => [c.name, c]));
    const shift = (p.window - 1) / 2;
    state.blocks = p.blocks.map(b => {
      const c = roles[b.condition] || {};
      return { block: b.number, condition: b.condition, role: c.role,
        from: (b.onset + p.haemodynamicDelay) / p.tr + shift, to: (b.onset + b.duration + p.haemodynamicDelay) / p.tr + shift,
        colour: c.role === "regulate" ? (c.colour || "#ffd166") : ROLE_SHADES[c.role] || null };
    });
    $("shading-note").textContent = "shaded: baseline (grey) and regulation blocks, by the estimates assigned to them";
    if (estChart) estChart.redraw(false);
  }

  function shadeBlocks(u) {
    if (!state.blocks.length) return;
    const ctx = u.ctx, { left, top, width: w, height: h } = u.bbox;
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top, w, h); ctx.clip();
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui`;
    for (const b of state.blocks) {
      if (!b.colour) continue;
      const x0 = u.valToPos(b.from, "x", true), x1 = u.valToPos(b.to, "x", true);
      if (x1 < left || x0 > left + w) continue;
      ctx.globalAlpha = 0.16; ctx.fillStyle = b.colour; ctx.fillRect(x0, top, x1 - x0, h);
      // The condition's name where it fits inside its block: narrow blocks side by side would run their names together.
      const x = Math.max(x0, left) + 3;
      if (ctx.measureText(b.condition).width <= Math.min(x1, left + w) - x - 3) {
        ctx.globalAlpha = 0.8; ctx.fillText(b.condition, x, top + 12 * devicePixelRatio);
      }
    }
    ctx.restore();
  }

  function onFeedback(m) {
    state.condition = m.condition ? { run: m.run, volume: m.volume, block: m.block, condition: m.condition } : { run: m.run, volume: m.volume, block: 0, condition: null };
    $("condition").textContent = m.condition ? `${m.condition} (block ${m.block})` : "between blocks";
    if (m.completed) addLearning(m.completed);
  }

  function addLearning(p) {
    if (state.learning.some(q => q.run === p.run && q.block === p.block)) return;
    state.learning.push(p);
    const list = $("learning-list");
    const span = document.createElement("span");
    span.textContent = `${state.learning.length}. run ${p.run} block ${p.block} ${p.condition}: ${Number.isFinite(num(p.mean)) ? num(p.mean).toFixed(2) : "n/a"}`;
    list.appendChild(span);
    if (!learnChart) makeLearningChart();
    learnChart.setData(learningData());
  }

  function learningData() {
    return [state.learning.map((_, i) => i + 1), state.learning.map(p => Number.isFinite(num(p.mean)) ? num(p.mean) : null)];
  }

  function makeLearningChart() {
    const el = $("learning-chart");
    learnChart = new uPlot({ width: width(el), height: 160, scales: { x: { time: false } },
      series: [{ label: "regulation block, in order" }, { label: "mean feedback", stroke: "#ffd166", width: 2, points: { show: true, size: 8 } }],
      axes: [{ stroke: "#8a93a6", grid: { stroke: "#262c3a" }, incrs: [1, 2, 5, 10, 20, 50, 100] }, { stroke: "#8a93a6", grid: { stroke: "#262c3a" } }] },
      learningData(), el);
  }

  // ---------- head motion ----------
  function makeMotionCharts() {
    const el = $("motion-chart"), names = ["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"];
    motChart = new uPlot({ width: width(el), height: 170, scales: { x: { time: false } },
      series: [{ label: "volume" }].concat(names.map((n, i) => ({ label: i < 3 ? `${n} (mm)` : `${n} (deg)`, stroke: COLORS[i], width: 1.5, scale: i < 3 ? "mm" : "deg" }))),
      axes: [{ stroke: "#8a93a6", grid: { stroke: "#262c3a" } }, { scale: "mm", stroke: "#8a93a6", grid: { stroke: "#262c3a" } },
        { scale: "deg", side: 1, stroke: "#8a93a6", grid: { show: false } }] },
      [state.headX, ...state.headY], el);
    const fd = $("fd-chart");
    fdChart = new uPlot({ width: width(fd), height: 130, scales: { x: { time: false } },
      series: [{ label: "volume" }, { label: "FD (mm)", stroke: "#f5a623", width: 1.5 }, { label: "threshold", stroke: "#e6194b", width: 1, dash: [6, 4] }],
      axes: [{ stroke: "#8a93a6", grid: { stroke: "#262c3a" } }, { stroke: "#8a93a6", grid: { stroke: "#262c3a" } }] },
      fdData(), fd);
  }

  function fdThreshold() { return state.session && state.session.fdThresholdMm != null ? state.session.fdThresholdMm : null; }
  function fdData() { const t = fdThreshold(); return [state.headX, state.fdY, state.headX.map(() => t)]; }

  function raiseAlarm(volume, fd) {
    state.alarm = { volume, fd };
    const el = $("motion-alarm");
    el.textContent = `high motion at volume ${volume}` + (fd == null ? "" : ` (FD ${fd.toFixed(2)} mm)`) + ` · ${state.highMotion.size} so far`;
    el.hidden = false;
    el.classList.remove("fresh"); void el.offsetWidth; el.classList.add("fresh");
  }

  function onMotion(m) {
    if (!m.motionParameters) return;
    state.headX.push(m.volume);
    m.motionParameters.forEach((v, i) => { const x = num(v); state.headY[i].push(Number.isFinite(x) ? (i < 3 ? x : x * 180 / Math.PI) : null); });
    const fd = num(m.fd);
    state.fdY.push(Number.isFinite(fd) ? fd : null);
    if (m.highMotion) {
      state.highMotion.add(m.volume);
      $("highmotion-count").textContent = state.highMotion.size;
      // The estimate naming this volume may have raised the alarm already, without its FD.
      if (!state.alarm || state.alarm.volume < m.volume || (state.alarm.volume === m.volume && state.alarm.fd == null)) raiseAlarm(m.volume, Number.isFinite(fd) ? fd : null);
    }
  }

  // The legends show the newest values unless the cursor is over the chart.
  function showLast(chart, n) { if (n > 0 && chart.cursor.left < 0) chart.setLegend({ idx: n - 1 }); }

  function selectedRois() { return Array.from($("roi-select").selectedOptions).map(o => +o.value); }

  function makeRoiChart() {
    if (roiChart) roiChart.destroy();
    const el = $("roi-chart");
    const sel = selectedRois();
    const names = state.session ? state.session.roiNames : [];
    const series = [{ label: "volume" }].concat(sel.map((r, i) => ({ label: names[r] ?? `ROI ${r}`, stroke: COLORS[(i + 5) % COLORS.length], width: 1.5 })));
    roiChart = new uPlot({ width: width(el), height: 180, series, scales: { x: { time: false } },
      axes: [{ stroke: "#8a93a6", grid: { stroke: "#262c3a" } }, { stroke: "#8a93a6", grid: { stroke: "#262c3a" } }] },
      roiData(), el);
  }

  function roiData() {
    const sel = selectedRois();
    return [state.roiX].concat(sel.map(r => state.roiRows.map(row => row ? row[r] : null)));
  }

  // ---------- heatmap ----------
  const lut = (() => {
    const t = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
      const v = i / 127.5 - 1; // -1 .. 1
      const a = Math.min(1, Math.abs(v));
      const [r, g, b] = v < 0 ? [33, 102, 172] : [178, 24, 43];
      t[i * 3] = 255 + (r - 255) * a; t[i * 3 + 1] = 255 + (g - 255) * a; t[i * 3 + 2] = 255 + (b - 255) * a;
    }
    return t;
  })();
  let heatIndex = null, offscreen = null;

  function heatLayout(n) {
    const order = state.session && state.session.roiOrder && state.session.roiOrder.length === n && !(state.connectivity && state.connectivity.blockNetworks) ? state.session.roiOrder : [...Array(n).keys()];
    const pos = new Int32Array(n);
    order.forEach((roi, p) => { pos[roi] = p; });
    const m = n * (n - 1) / 2, a = new Int32Array(m), b = new Int32Array(m);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++, k++) { a[k] = (pos[i] * n + pos[j]) * 4; b[k] = (pos[j] * n + pos[i]) * 4; }
    offscreen = document.createElement("canvas"); offscreen.width = n; offscreen.height = n;
    heatIndex = { n, a, b, order, image: offscreen.getContext("2d").createImageData(n, n) };
  }

  function drawHeatmap(msg) {
    const n = msg.roiCount;
    if (!heatIndex || heatIndex.n !== n || heatIndex.blocks !== !!msg.blockNetworks) { heatLayout(n); heatIndex.blocks = !!msg.blockNetworks; }
    const raw = atob(msg.values), data = heatIndex.image.data, a = heatIndex.a, b = heatIndex.b;
    for (let k = 0; k < raw.length; k++) {
      let q = raw.charCodeAt(k); if (q > 127) q -= 256;
      const c = (q + 128) * 3;
      data[a[k]] = data[b[k]] = lut[c]; data[a[k] + 1] = data[b[k] + 1] = lut[c + 1]; data[a[k] + 2] = data[b[k] + 2] = lut[c + 2];
      data[a[k] + 3] = data[b[k] + 3] = 255;
    }
    for (let i = 0; i < n; i++) { const d = (i * n + i) * 4; data[d] = data[d + 1] = data[d + 2] = 60; data[d + 3] = 255; }
    offscreen.getContext("2d").putImageData(heatIndex.image, 0, 0);
    const canvas = $("heatmap"), ctx = canvas.getContext("2d"), size = canvas.width;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(offscreen, 0, 0, size, size);
    const nets = msg.blockNetworks || (state.session && state.session.networks);
    if (nets && nets.length === n) {
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.font = "bold 12px system-ui"; ctx.fillStyle = "#000";
      let start = 0;
      for (let p = 1; p <= n; p++) {
        if (p === n || nets[heatIndex.order[p]] !== nets[heatIndex.order[start]]) {
          const x0 = start / n * size, x1 = p / n * size;
          ctx.strokeRect(x0, x0, x1 - x0, x1 - x0);
          ctx.fillText(nets[heatIndex.order[start]], x0 + 3, x1 - 4);
          start = p;
        }
      }
    }
    $("matrix-volume").textContent = `volume ${msg.volume} · colour scale ±${msg.scale.toFixed(2)}` + (msg.blockNetworks ? ` · averaged to ${n} blocks` : "");
    drawContributions(msg.contributions);
    state.heatmapDraws++;
  }

  function drawContributions(list) {
    const box = $("contributions");
    if (!list || !list.length) { box.replaceChildren(); return; }
    const rows = state.targets.map((t, ti) => {
      const top = list.map(c => ({ pair: c.networkA === c.networkB ? c.networkA : `${c.networkA}–${c.networkB}`, v: c.values[ti] }))
        .sort((x, y) => Math.abs(y.v) - Math.abs(x.v)).slice(0, 3);
      return node("tr", null, node("td", null, t), ...top.map(x => node("td", null, `${x.pair} `, node("b", null, `${x.v >= 0 ? "+" : ""}${x.v.toPrecision(2)}`))));
    });
    const title = node("h2", null, "Network blocks driving each estimate");
    title.style.marginTop = ".8em";
    box.replaceChildren(title, node("table", "contrib", node("tr", null, ...["target", "1st", "2nd", "3rd"].map(h => node("th", null, h))), ...rows));
  }

  function num(v) { return typeof v === "number" ? v : Number(v); }

  // Every name on the page (targets, ROI labels, networks, conditions, statuses) comes from files the host was given:
  // it is set as text, never parsed as markup. node(tag, class, ...children): strings become text nodes.
  function node(tag, cls, ...children) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    e.append(...children.map(c => c instanceof Node ? c : String(c)));
    return e;
  }

  // ---------- QC ----------
  function drawStrip() {
    const canvas = $("strip"), ctx = canvas.getContext("2d");
    const vols = [...state.qc.keys()];
    const total = Math.max((state.session && state.session.expectedVolumes) || 0, vols.length ? Math.max(...vols) + 1 : 0, 1);
    const w = canvas.width / total;
    ctx.fillStyle = "#0b0d12"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (const [v, q] of state.qc) { ctx.fillStyle = STATUS_COLORS[q.status] || "#888"; ctx.fillRect(v * w, 0, Math.max(1, w - (w > 3 ? 1 : 0)), canvas.height); }
  }

  function showCounts(counts) {
    $("counts").replaceChildren(...Object.entries(counts || {}).map(([k, v]) => {
      const mark = node("b", null, "■");
      mark.style.color = STATUS_COLORS[k] || "#ccc";
      return node("span", null, mark, ` ${k} ${v}`);
    }));
  }

  // ---------- session facts ----------
  function applySession(s) {
    if (!s) return;
    const changed = !state.session || JSON.stringify(state.session.targets) !== JSON.stringify(s.targets) || state.session.roiNames.length !== s.roiNames.length;
    state.session = s;
    showSource(s);
    $("model").textContent = s.model; $("atlas").textContent = s.atlas;
    $("tr").textContent = `${s.tr} s`; $("window").textContent = `${s.window} volumes`;
    // How old the estimates are: measured by evaluate on held-out data and carried by the model package.
    $("lag").textContent = s.lagSeconds == null ? "lag not measured (run evaluate --store-lag)"
      : `describes about t − ${s.lagSeconds.toFixed(1)} s` + (s.lagStandardErrorSeconds == null ? "" : ` (± ${s.lagStandardErrorSeconds.toFixed(1)} s)`);
    if (changed) {
      state.targets = s.targets;
      if (state.ys.length !== s.targets.length) state.ys = s.targets.map(() => []);
      makeEstimateChart(s.targets);
      $("roi-select").replaceChildren(...s.roiNames.map((name, i) => {
        const o = node("option", null, `${i} ${name}` + (s.networks ? ` (${s.networks[i]})` : ""));
        o.value = String(i); o.selected = i < 3;
        return o;
      }));
      makeRoiChart();
      heatIndex = null;
    }
  }

  function applyStatus(m) {
    // The new session so far comes from the host, as on a reload: its events that came before this status were skipped
    // as volumes the page had.
    if (enterSession(m.session)) { newSession(m.session); loadSnapshot().catch(() => {}); return; }
    applySession(m.session);
    if (enterRun(m.run) && m.series !== null && m.series !== undefined) { state.series = m.series; showRun(); }
    const el = $("state");
    el.textContent = m.state === "warming-up" ? `warming up (${m.warmupRemaining} to go)` : m.state === "stale" ? m.message : m.state + (m.droppedMessages ? ` · ${m.droppedMessages} dropped` : "");
    el.className = "pill " + ({ running: "ok", "warming-up": "warn", ended: "", failed: "bad", stale: "bad" }[m.state] ?? "");
    if (m.message) el.title = m.message;
    state.sessionState = m.state;
  }

  // ---------- runs ----------
  // A live session's new scanner series is a new run, its volumes counting from 0 again: every event names its run.
  // The page shows the run in progress: a later run's first event clears the plots, values, strip and counts, and
  // the header says which run it is and when it began; events of an earlier run are left out.
  function enterRun(run) {
    run = run || 0; // a host that predates runs: one run
    if (run < state.run) return false;
    if (run > state.run) {
      const first = state.run === 0;
      state.run = run; state.series = null;
      if (!first) clearShown(`run ${run} began ${new Date().toLocaleTimeString()}: plots restart at its volume 0`);
      showRun();
    }
    return true;
  }

  // The header names the session (its id, as /api/sessions and a serve host's pages know it) and what it decodes:
  // "replay of sub-01_task-movie_run-1" (a replay is one run, so no run number), or "watching /tmp/export" then "run 2 of
  // the session (series 4)" (a live session, whose scanner series are its runs). A replay is the session that knows its
  // run's length (expectedVolumes).
  function showSource(s) {
    const replay = s.expectedVolumes !== null && s.expectedVolumes !== undefined;
    $("session-id").textContent = s.id ?? "–";
    $("session-fact").hidden = !s.id;
    $("source-kind").textContent = replay ? "replay of" : "watching";
    $("run").textContent = s.run;
    $("run-of-session").hidden = replay;
  }

  // "run 2 of the session (series 4)": the run's number in the session, then its scanner series when known.
  function showRun() {
    $("run-number").textContent = String(state.run || 1);
    $("run-series").textContent = state.series !== null ? ` (series ${state.series})` : "";
  }

  // Empties the plots, values, strip, counts and matrix, and says why (note).
  function clearShown(note) {
    resetData();
    $("values").querySelectorAll(".num").forEach(el => { el.textContent = "–"; });
    $("volume").textContent = "–"; showCounts({}); state.alarm = null; $("motion-alarm").hidden = true;
    $("highmotion-count").textContent = "0"; $("censored-count").textContent = "0";
    state.heatPending = false; $("matrix-volume").textContent = ""; drawContributions(null);
    const c = $("heatmap"); c.getContext("2d").clearRect(0, 0, c.width, c.height);
    const el = $("new-run");
    el.textContent = note;
    el.hidden = false; el.classList.remove("fresh"); void el.offsetWidth; el.classList.add("fresh");
    schedule();
  }

  // ---------- sessions ----------
  // A session id whose session ended or went stale can be taken over by a new decoder: the new session's runs and
  // volumes count from the start again, and its status names another start (session.startedUnixMs). True when the
  // status is of another session than the one shown (a status without a start says nothing).
  function enterSession(s) {
    if (!s || !s.startedUnixMs || s.startedUnixMs === state.started) return false;
    const replaced = state.started !== null;
    state.started = s.startedUnixMs;
    return replaced;
  }

  // Another session of the id: the old one's plots go, as for a new run.
  function newSession(s) {
    state.run = 0; state.series = null;
    clearShown(`session ${s.id ?? ""} began anew ${new Date(s.startedUnixMs).toLocaleTimeString()}: plots restart at its run 1, volume 0`);
  }

  // ---------- live events ----------
  function onEstimate(m, receivedAt) {
    if (!enterRun(m.run) || m.volume <= state.lastVolume) return; // an earlier run's, or already in the backlog
    if (!estChart || state.targets.length !== m.targets.length) { state.targets = m.targets; state.ys = m.targets.map(() => []); makeEstimateChart(m.targets); }
    state.lastVolume = m.volume;
    state.xs.push(m.volume);
    const values = m.values.map(num);
    values.forEach((v, i) => state.ys[i].push(Number.isFinite(v) ? v : null));
    document.querySelectorAll("#values .num").forEach(el => { const v = values[+el.dataset.target]; el.textContent = v === undefined ? "–" : Number.isFinite(v) ? v.toFixed(3) : "n/a"; });
    if (receivedAt !== undefined && m.sentUnixMs) state.justReceived.push(m.sentUnixMs);
    if (m.censored) { state.censored.add(m.volume); $("censored-count").textContent = state.censored.size; }
    if (m.highMotionVolume !== null && m.highMotionVolume !== undefined && !state.highMotion.has(m.highMotionVolume)) {
      state.highMotion.add(m.highMotionVolume);
      $("highmotion-count").textContent = state.highMotion.size;
      raiseAlarm(m.highMotionVolume, null);
    }
    schedule();
  }

  // receivedAt: when a live row came in (performance.now()); none for the backlog, whose age the snapshot gives.
  function onQc(m, receivedAt) {
    if (!enterRun(m.run)) return;
    // Extra files take no TR slot (a stray may carry any number): counted, never drawn in the strip.
    if (m.status === "late" || m.status === "duplicate" || m.status === "stray") { showCounts(m.counts); return; }
    if (state.qc.has(m.volume)) return;
    state.qc.set(m.volume, m);
    if (receivedAt !== undefined) state.lastArrival = receivedAt;
    $("volume").textContent = m.volume;
    if (m.latency !== null && m.latency !== undefined) { state.latX.push(m.volume); state.latY.push(num(m.latency)); state.motY.push(m.motion === null || m.motion === undefined ? null : num(m.motion)); }
    if (m.roi) { state.roiX.push(m.volume); state.roiRows.push(m.roi.map(num)); }
    onMotion(m);
    showCounts(m.counts);
    showUnmeasured();
    schedule();
  }

  // Panels the session has no data for say why, rather than showing empty charts and zero counts that read as a result.
  function showUnmeasured() {
    const noMotion = state.qc.size > 0 && state.headX.length === 0;
    const noProtocol = state.connected && !state.protocol;
    let changed = false;
    for (const [id, note, off, text] of [["motion-section", "motion-note", noMotion, "not measured: the session runs without --realign"],
                                         ["learning-section", "learning-note", noProtocol, "no protocol: the session runs without --protocol"]]) {
      const el = $(id);
      if (el.classList.contains("unmeasured") !== off) { el.classList.toggle("unmeasured", off); changed = true; }
      $(note).textContent = off ? text : "";
    }
    if (changed) window.dispatchEvent(new Event("resize"));
  }

  function onConnectivity(m) { if (!enterRun(m.run)) return; state.connectivity = m; state.heatPending = true; schedule(); }

  function schedule() {
    if (state.dirty) return;
    state.dirty = true;
    requestAnimationFrame(() => {
      state.dirty = false;
      if (estChart) { estChart.setData([state.xs, ...state.ys]); showLast(estChart, state.xs.length); }
      if (latChart) { latChart.setData([state.latX, state.latY, state.motY]); showLast(latChart, state.latX.length); }
      if (roiChart) { roiChart.setData(roiData()); showLast(roiChart, state.roiX.length); }
      if (motChart) { motChart.setData([state.headX, ...state.headY]); showLast(motChart, state.headX.length); }
      if (fdChart) { fdChart.setData(fdData()); showLast(fdChart, state.headX.length); }
      drawStrip();
      if (state.heatPending && state.connectivity) { state.heatPending = false; drawHeatmap(state.connectivity); }
      const now = performance.timeOrigin + performance.now();
      for (const sent of state.justReceived) state.displayLatencies.push(now - sent);
      state.justReceived = [];
    });
  }

  function resetData() {
    state.xs = []; state.ys = state.targets.map(() => []); state.lastVolume = -1;
    state.qc = new Map(); state.latX = []; state.latY = []; state.motY = []; state.roiX = []; state.roiRows = []; state.connectivity = null;
    state.headX = []; state.headY = [[], [], [], [], [], []]; state.fdY = []; state.highMotion = new Set(); state.censored = new Set();
  }

  // The time since the last volume after a (re)load: how old the newest row was when the host made the snapshot, by
  // the host's clock alone (this machine's may differ); unknown when the rows carry no time.
  function sinceSnapshot(snap, receivedAt) {
    let newest = null;
    for (const q of snap.qc) if (q.status !== "late" && q.status !== "duplicate" && q.status !== "stray") newest = q;
    state.lastArrival = newest && newest.sentUnixMs > 0 && snap.sentUnixMs > 0
      ? receivedAt - Math.max(0, snap.sentUnixMs - newest.sentUnixMs) : null;
    if (state.lastArrival === null) $("clock").textContent = "–";
  }

  function live(fn) { if (state.pending) state.pending.push(fn); else fn(); }

  // ---------- connection ----------
  const conn = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/decoder" + (params.get("session") ? `?session=${encodeURIComponent(params.get("session"))}` : ""), token ? { accessTokenFactory: () => token } : {})
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * (ctx.previousRetryCount + 1)) })
    .build();
  conn.on("estimate", m => { const t = performance.now(); live(() => onEstimate(m, t)); });
  conn.on("qc", m => { const t = performance.now(); live(() => onQc(m, t)); });
  conn.on("connectivity", m => live(() => onConnectivity(m)));
  conn.on("status", m => live(() => applyStatus(m)));
  conn.on("feedback", m => live(() => onFeedback(m)));

  function setConnection(text, cls) { const el = $("connection"); el.textContent = text; el.className = "pill " + cls; }

  async function loadSnapshot() {
    state.pending = [];
    try {
      const snap = await conn.invoke("GetSession");
      const receivedAt = performance.now();
      resetData();
      state.run = 0;
      if (enterSession(snap.status.session)) newSession(snap.status.session); // taken over while out of contact
      applyStatus(snap.status);
      for (const q of snap.qc) onQc(q);
      sinceSnapshot(snap, receivedAt);
      for (const e of snap.estimates) onEstimate(e);
      if (snap.connectivity) onConnectivity(snap.connectivity);
      const fb = await conn.invoke("GetFeedbackState");
      useProtocol(fb.protocol);
      state.learning = []; $("learning-list").textContent = "";
      for (const p of fb.learningCurve) addLearning(p);
      if (fb.current) onFeedback(fb.current);
    } finally {
      const queued = state.pending; state.pending = null;
      for (const f of queued) f();
    }
  }

  async function start() {
    try {
      setConnection("connecting", "warn");
      await conn.start();
      await loadSnapshot();
      setConnection("connected", "ok");
      state.connected = true;
      showUnmeasured();
    } catch (e) {
      setConnection("disconnected", "bad");
      lostContact();
      setTimeout(start, 2000);
    }
  }
  // Out of contact, a session last seen running may have stopped since: the state says it is not known.
  function lostContact() {
    if (state.sessionState === "ended" || state.sessionState === "failed") return;
    const el = $("state");
    el.textContent = "unknown (no connection)"; el.className = "pill bad"; el.title = `last heard: ${state.sessionState ?? "nothing"}`;
  }
  conn.onreconnecting(() => { setConnection("reconnecting", "warn"); lostContact(); });
  conn.onreconnected(async () => { await loadSnapshot(); setConnection("connected", "ok"); });
  conn.onclose(() => { setConnection("disconnected", "bad"); lostContact(); setTimeout(start, 2000); });

  $("roi-select").addEventListener("change", makeRoiChart);
  setInterval(() => {
    if (state.lastArrival === null) return;
    if (state.sessionState === "ended" || state.sessionState === "failed") { $("clock").textContent = "run over"; $("clock").style.color = ""; return; }
    const s = (performance.now() - state.lastArrival) / 1000, tr = state.session ? state.session.tr : 2;
    const el = $("clock"); el.textContent = `${s.toFixed(1)} s`; el.style.color = s > 1.5 * tr ? "#e6194b" : "";
  }, 200);
  window.addEventListener("resize", () => {
    if (estChart) estChart.setSize({ width: width($("estimates")), height: 420 });
    if (latChart) latChart.setSize({ width: width($("latency-chart")), height: 150 });
    if (roiChart) roiChart.setSize({ width: width($("roi-chart")), height: 180 });
    if (motChart) motChart.setSize({ width: width($("motion-chart")), height: 170 });
    if (fdChart) fdChart.setSize({ width: width($("fd-chart")), height: 130 });
    if (learnChart) learnChart.setSize({ width: width($("learning-chart")), height: 160 });
  });
  makeLatencyChart();
  makeMotionCharts();
  start();
})();
