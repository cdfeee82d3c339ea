// A third-party client of the RealtimeDecode hub: joins one session and prints every estimate once, in order.
//   node examples/hub-client.mjs http://127.0.0.1:5080 [SESSION] [TOKEN]
// Uses the SignalR client the dashboard ships (installed by the first build of src/RealtimeDecode.Host).
import { createRequire } from "node:module";
const require = createRequire(new URL("../src/RealtimeDecode.Host/package.json", import.meta.url));
const signalR = require("@microsoft/signalr");

const [host = "http://127.0.0.1:5080", session, token] = process.argv.slice(2);
const url = `${host}/hubs/decoder` + (session ? `?session=${encodeURIComponent(session)}` : "");
const conn = new signalR.HubConnectionBuilder()
  .withUrl(url, token ? { accessTokenFactory: () => token } : {})
  .configureLogging(signalR.LogLevel.Warning)
  .build();

let last = 0;                 // highest seq applied
let pending = [];             // live events that arrive before the backlog
const show = e => console.log(`${e.session} volume ${e.volume} t=${e.onset}s ` +
  e.targets.map((t, i) => `${t}=${e.values[i].toFixed(3)}`).join(" "));
conn.on("estimate", e => { if (pending) pending.push(e); else if (e.seq > last) { last = e.seq; show(e); } });
conn.on("qc", () => {}); conn.on("connectivity", () => {}); // the dashboard's; not needed here
conn.on("status", s => {
  if (pending) return;
  if (s.state === "ended" || s.state === "failed") { console.log(`session ${s.session.id} ${s.state}`); conn.stop(); }
});

await conn.start();                                  // listen first ...
const snap = await conn.invoke("GetSession");         // ... then take the session so far
console.log(`joined ${snap.session}: ${snap.status.state}, ${snap.estimates.length} estimates so far`);
for (const e of snap.estimates) show(e);
last = snap.seq;
for (const e of pending) if (e.seq > last) { last = e.seq; show(e); }
pending = null;
if (snap.status.state === "ended" || snap.status.state === "failed") await conn.stop();
