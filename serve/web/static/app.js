// corridor web UI: every page reads and writes through the JSON API (/api/openapi.json).
// Plain JavaScript, no build step, no remote resources. Text is always set with textContent.
"use strict";

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...kids) {
  const svg = ["svg", "g", "line", "circle", "text", "title", "path"].includes(tag);
  const e = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) {
    if (k === null || k === undefined) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

// api calls the JSON API; it throws an Error carrying the response's {error, fields}.
// authHeaders carries the token, when one is set, on every request.
function authHeaders() {
  const tok = localStorage.getItem("corridor-token");
  return tok ? { Authorization: "Bearer " + tok } : {};
}

async function api(method, path, body) {
  const headers = authHeaders();
  if (method !== "GET") headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? (method === "GET" ? undefined : "{}") : JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) {
    const err = new Error(data.error || res.statusText);
    err.fields = data.fields || [];
    err.status = res.status;
    throw err;
  }
  return data;
}

function toast(msg) {
  const t = $("#toast");
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.hidden = true), 5000);
}

function showErrors(ul, err) {
  ul.replaceChildren();
  if (!err) return;
  ul.append(el("li", { class: "head" }, err.message));
  for (const f of err.fields || []) {
    const pos = f.line ? `line ${f.line}${f.col ? ":" + f.col : ""} ` : "";
    ul.append(el("li", { "data-line": f.line || "" }, el("code", {}, f.path), " ", pos, "— ", f.message));
  }
}

// Formatting. Every number of a result may be null (a decision of a decider with no part in a
// project, a field an older result lacks): it shows as "—".
const num = (v) => typeof v === "number" && Number.isFinite(v);
const money = (v) => {
  if (!num(v)) return "—";
  const a = Math.abs(v), s = v < 0 ? "-$" : "$";
  if (a < 0.5) return "$0"; // below a dollar: solver noise in a national-scale appraisal
  if (a >= 1e9) return s + (a / 1e9).toFixed(2) + " bn";
  if (a >= 1e6) return s + (a / 1e6).toFixed(1) + " m";
  return s + (a / 1e6).toFixed(2) + " m";
};
const pct = (p) => (num(p) ? (100 * p).toFixed(0) + "%" : "—");

// Reading a result (schema_version 2, as corridor assess --json prints it). A decision
// (bargaining or accounting) has a null commit when the decider has no part in the project.
const schemaOK = (res) => !!res && res.schema_version >= 2 && Array.isArray(res.cases);
const commitOf = (d) => (d && num(d.commit) ? d.commit : null);
const commitText = (d) => {
  const p = commitOf(d);
  if (p === null) return "—";
  return pct(p) + (num(d.commit_stderr) ? ` ±${(100 * d.commit_stderr).toFixed(0)}` : "");
};
const breakEven = (d) => {
  const v = d ? d.break_even_premium_usd_per_yr : null;
  return !num(v) ? "—" : v > 0 ? money(v) : "none needed";
};
const countryOf = (c, id) => (c && id ? (c.countries || []).find((x) => x.country === id) || null : null);
const mean = (s) => (s && num(s.mean) ? s.mean : null);
// shows says a summary's mean is not zero at the displayed precision.
const shows = (s) => mean(s) !== null && /[1-9]/.test(money(mean(s)));
const range = (s) => (s && num(s.p10) && num(s.p90) ? `${money(s.p10)} … ${money(s.p90)}` : "—");

// countryNames maps country ids to names from the data set (empty when it does not load).
async function countryNames() {
  try {
    const d = await api("GET", "/api/data");
    return new Map((d.countries || []).map((c) => [c.id, c.name || c.id]));
  } catch {
    return new Map();
  }
}
// deciderName names a result's deciding country.
const deciderName = (res, names) => (res && res.decider ? names.get(res.decider) || res.decider : "the decider");

// groupHead returns a two-row table header: a string is a column spanning both rows, a
// [name, [sub, …]] pair a group of columns.
function groupHead(cols) {
  const top = [], sub = [];
  for (const c of cols) {
    if (typeof c === "string") top.push(el("th", { rowspan: 2 }, c));
    else {
      top.push(el("th", { colspan: c[1].length, class: "group" }, c[0]));
      sub.push(...c[1].map((x) => el("th", {}, x)));
    }
  }
  return [el("tr", {}, top), el("tr", {}, sub)];
}

const viewsNote = (who) => `Bargaining (the headline): ${who}'s strategic value in the network game of all countries against its cost. ` +
  `Accounting: NPVs under the stated ownership, contracts and loans. "—": ${who} has no part in the project.`;

// follow streams a run's progress (server-sent events) into the progress widgets.
function follow(id, onEnd) {
  const box = $("#progress"), bar = $("#bar"), txt = $("#progress-text");
  box.hidden = false;
  const es = new EventSource(`/api/runs/${id}/events`);
  const show = (d) => {
    bar.max = Math.max(d.total, 1);
    bar.value = d.done;
    txt.textContent = `run ${d.id}: ${d.status} ${d.done}/${d.total}`;
  };
  es.addEventListener("progress", (e) => show(JSON.parse(e.data)));
  es.addEventListener("end", (e) => {
    const d = JSON.parse(e.data);
    show(d);
    es.close();
    onEnd && onEnd(d);
  });
  es.onerror = () => { es.close(); };
  return es;
}

// ---- network map ----
async function mapPage() {
  const d = await api("GET", "/api/data");
  $("#title").textContent = d.name || "Network";
  $("#question").textContent = (d.study && d.study.title) || "";
  const nodes = new Map(d.nodes.map((n) => [n.id, n]));
  const sources = new Map((d.sources || []).map((s) => [s.id, s]));
  // Longitudes are read on the circle: the view is centred on the middle of the nodes' and
  // waypoints' extent, leaving out the largest gap between their longitudes, and every longitude
  // is unwrapped within 180° of that centre, so a network across the antimeridian is one piece.
  const pts = [...d.nodes.map((n) => [n.lon, n.lat]), ...d.links.flatMap((l) => l.waypoints || [])];
  if (!pts.length) pts.push([0, 0]);
  const wrap = (lon, ref) => lon - 360 * Math.floor((lon - ref + 180) / 360);
  const lons = pts.map(([lon]) => wrap(lon, 0)).sort((a, b) => a - b);
  let gap = lons[0] + 360 - lons[lons.length - 1], start = lons[0];
  for (let i = 0; i + 1 < lons.length; i++) if (lons[i + 1] - lons[i] > gap) [gap, start] = [lons[i + 1] - lons[i], lons[i + 1]];
  const lon0 = start + (360 - gap) / 2;
  const lats = pts.map(([, lat]) => lat), lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((Math.max(-80, Math.min(80, lat0)) * Math.PI) / 180);
  // equirectangular projection true to scale at the middle latitude (as the report's map does
  // near the equator); lon is already unwrapped
  const proj = (lon, lat) => [(lon - lon0) * k * 100, -lat * 100];
  const px = (n) => proj(wrap(n.lon, lon0), n.lat);
  // the first view holds every node and waypoint, with a margin
  const xs = pts.map(([lon, lat]) => px({ lon: lon, lat: lat })[0]), ys = pts.map(([lon, lat]) => px({ lon: lon, lat: lat })[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const pad = 0.06 * Math.max(x1 - x0, y1 - y0, 300);
  let vb = [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
  const svg = $("#map");
  const full = vb[2]; // the width of the first view: labels of minor nodes show from twice that zoom
  // Strokes keep their width on screen (non-scaling-stroke); node dots and labels are resized
  // with the view so that zooming in separates them instead of magnifying them.
  const setVB = () => {
    svg.setAttribute("viewBox", vb.join(" "));
    const r = vb[2] / 250;
    for (const c of svg.querySelectorAll("circle.node")) c.setAttribute("r", r);
    for (const c of svg.querySelectorAll("circle.chokemark")) c.setAttribute("r", r * 2.6);
    for (const t of svg.querySelectorAll("text.chokemark")) t.setAttribute("font-size", r * 3);
    for (const t of svg.querySelectorAll("text.label")) {
      t.setAttribute("font-size", vb[2] / 90);
      t.setAttribute("dx", r * 1.6);
      t.classList.toggle("hidden", !t.classList.contains("major") && vb[2] > full / 2);
    }
  };
  const colors = { rail: "#b5462f", road: "#8a6d1f", sea: "#2f6fb5", pipeline: "#2c8a4b", power: "#7a3fb5" };
  const gb = el("g", { class: "basemap" }), gl = el("g", {}), gn = el("g", {}), gt = el("g", {}), gc = el("g", { class: "chokes" });
  svg.replaceChildren(gb, gl, gn, gt, gc);
  const r = vb[2] / 250;
  // country outlines under the network (Natural Earth, public domain): each ring (continuous
  // across the antimeridian) is drawn shifted by -360°, 0° or +360° wherever that copy lies
  // within 180° of the centre
  fetch("/api/basemap", { headers: authHeaders() }).then((res) => (res.ok ? res.json() : null)).then((geo) => {
    if (!geo) return;
    const copies = (ring) => {
      const ls = ring.map(([lon]) => lon), lo = Math.min(...ls), hi = Math.max(...ls);
      return [-360, 0, 360].filter((s) => hi + s >= lon0 - 180 && lo + s <= lon0 + 180).map((s) => ring.map(([lon, lat]) => proj(lon + s, lat)));
    };
    for (const f of geo.features || []) {
      const polys = f.geometry && f.geometry.type === "MultiPolygon" ? f.geometry.coordinates : f.geometry && f.geometry.type === "Polygon" ? [f.geometry.coordinates] : [];
      const d = polys.flatMap((poly) => poly.flatMap(copies)).map((ring) => "M" + ring.map((p) => p.join(" ")).join(" L") + "Z").join(" ");
      if (d) gb.append(el("path", { d, class: "country" }, el("title", {}, (f.properties && f.properties.name) || "")));
    }
    $("#attribution").textContent = "Country outlines: Natural Earth (public domain).";
  }).catch(() => {});
  for (const l of d.links) {
    const a = nodes.get(l.from), b = nodes.get(l.to);
    if (!a || !b) continue;
    const [x1, y1] = px(a), [x2, y2] = px(b);
    const attrs = { class: "link " + l.status, stroke: colors[l.carrier] || "#555", "stroke-width": 2.5, "data-id": l.id };
    const title = el("title", {}, `${l.name || l.id} (${l.mode}, ${l.status})`);
    // a link with waypoints is a path through them; a straight one a line
    const way = (l.waypoints || []).map(([lon, lat]) => px({ lon: lon, lat: lat }));
    const line = way.length
      ? el("path", { ...attrs, fill: "none", d: "M" + [[x1, y1], ...way, [x2, y2]].map((p) => p.join(" ")).join(" L") }, title)
      : el("line", { x1, y1, x2, y2, ...attrs }, title);
    line.addEventListener("click", () => showInfo("link", l));
    gl.append(line);
  }
  const labelled = new Set((d.study && d.study.map_labels) || []);
  for (const n of d.nodes) {
    const [cx, cy] = px(n);
    const c = el("circle", { cx, cy, r, class: "node " + n.kind, "data-id": n.id }, el("title", {}, `${n.name} (${n.country})`));
    c.addEventListener("click", () => showInfo("node", n));
    gn.append(c);
    // the study's map labels are shown at every zoom; without them, ports and cities
    const major = labelled.size ? labelled.has(n.id) : ["port", "city"].includes(n.kind);
    gt.append(el("text", { x: cx, y: cy, class: "label" + (major ? " major" : ""), dy: "0.35em" }, (n.name || n.id).split(" (")[0].split(" / ")[0]));
  }
  setVB();
  chokepoints(d, nodes, px, gc, setVB).catch((err) => { $("#choke-note").textContent = "Chokepoints unavailable: " + err.message; });
  $("#legend").replaceChildren(...Object.entries(colors).map(([m, c]) => el("span", { class: "key" }, el("i", { "data-color": c }), m)));
  for (const i of document.querySelectorAll("#legend i")) i.style.background = i.dataset.color;

  function sourceList(text) {
    const ul = el("ul", { class: "sources" });
    for (const part of (text || "").split(";").map((s) => s.trim()).filter(Boolean)) {
      const s = sources.get(part);
      if (s) ul.append(el("li", {}, el("b", {}, s.id), " ", s.publisher, ": ", s.title, s.date ? ` (${s.date})` : "", s.url ? [" ", el("a", { href: s.url, rel: "noreferrer" }, "link")] : ""));
      else ul.append(el("li", {}, part));
    }
    return ul;
  }
  function showInfo(kind, x) {
    const rows = Object.entries(x).filter(([k, v]) => v !== "" && v !== null && !(Array.isArray(v) && v.length === 0) && k !== "sources" && k !== "source");
    const info = $("#info");
    info.replaceChildren(el("h2", {}, `${kind} ${x.id}`), el("table", {}, rows.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, Array.isArray(v) ? v.join(", ") : String(v))))));
    info.append(el("h3", {}, "Sources"));
    for (const s of kind === "node" ? [x.source] : x.sources || []) info.append(sourceList(s));
    for (const e of svg.querySelectorAll(".sel")) e.classList.remove("sel");
    const sel = svg.querySelector(`[data-id="${CSS.escape(x.id)}"]`);
    if (sel) sel.classList.add("sel");
  }
  // pan and zoom by changing the viewBox
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const f = e.deltaY > 0 ? 1.2 : 1 / 1.2, rect = svg.getBoundingClientRect();
    const mx = vb[0] + ((e.clientX - rect.left) / rect.width) * vb[2], my = vb[1] + ((e.clientY - rect.top) / rect.height) * vb[3];
    vb = [mx - (mx - vb[0]) * f, my - (my - vb[1]) * f, vb[2] * f, vb[3] * f];
    setVB();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY, vb[0], vb[1]]; });
  window.addEventListener("pointerup", () => (drag = null));
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const rect = svg.getBoundingClientRect();
    vb[0] = drag[2] - ((e.clientX - drag[0]) / rect.width) * vb[2];
    vb[1] = drag[3] - ((e.clientY - drag[1]) / rect.height) * vb[3];
    setVB();
  });
}

// chokepoints fills the map page's chokepoints section from /api/chokepoints (the headline
// scenario's worst closures of single links and pairs, as in the HTML report) and marks the network's worst on
// the map: a numbered disc at the middle of each link (links in series share the number).
async function chokepoints(d, nodes, px, gc, setVB) {
  const c = await api("GET", "/api/chokepoints");
  const links = new Map(d.links.map((l) => [l.id, l]));
  const closed = (s) => s.closed.join(" + ") + (s.equivalent && s.equivalent.length ? " (same as " + s.equivalent.map((e) => e.join(" + ")).join(", ") + ")" : "");
  const losses = (s) => s.losses.filter((x) => money(x.loss) !== "$0").map((x) => x.country + " " + money(x.loss)).join(", ") || "—";
  $("#choke-note").textContent = `Scenario ${c.scenario}, regime ${c.regime}, year ${c.year}, no candidate project built: each link closed alone, then every pair of them, the market re-optimising around the closure. Losses in USD a year of closure; negative: a gain. Triples: corridor chokepoints --k 3.`;
  const rows = [];
  c.network.forEach((s, i) => {
    if (s.equivalent_of || rows.length === 5) return;
    rows.push(el("tr", {}, el("td", { class: "n" }, String(i + 1)), el("td", {}, closed(s)), el("td", { class: "n" }, money(s.loss)), el("td", {}, losses(s))));
    for (const id of [s.closed, ...(s.equivalent || [])].flat()) {
      const l = links.get(id), a = l && nodes.get(l.from), b = l && nodes.get(l.to);
      if (!a || !b) continue;
      const way = [px(a), ...(l.waypoints || []).map(([lon, lat]) => px({ lon, lat })), px(b)];
      const k = Math.floor((way.length - 2) / 2), [x, y] = [(way[k][0] + way[k + 1][0]) / 2, (way[k][1] + way[k + 1][1]) / 2];
      gc.append(el("g", { "data-link": id }, el("title", {}, `chokepoint ${i + 1}: closing ${id} loses ${money(s.loss)}/yr`),
        el("circle", { cx: x, cy: y, class: "chokemark" }), el("text", { x, y, class: "chokemark", "text-anchor": "middle", dy: "0.35em" }, String(i + 1))));
    }
  });
  $("#choke-network").replaceChildren(el("tr", {}, el("th", {}, "rank"), el("th", {}, "closed"), el("th", {}, "network"), el("th", {}, "losses by country")), ...rows);
  const pairs = (c.network_pairs || []).map((s, i) => [s, i]).filter(([s]) => !s.equivalent_of).slice(0, 5)
    .map(([s, i]) => el("tr", {}, el("td", { class: "n" }, String(i + 1)), el("td", {}, closed(s)), el("td", { class: "n" }, money(s.loss)), el("td", {}, losses(s))));
  $("#choke-pairs").replaceChildren(el("tr", {}, el("th", {}, "rank"), el("th", {}, "closed together"), el("th", {}, "network"), el("th", {}, "losses by country")), ...pairs);
  const crow = [el("tr", {}, el("th", {}, "country"), el("th", {}, "rank"), el("th", {}, "closed"), el("th", {}, "its loss"), el("th", {}, "network"))];
  for (const ct of c.countries) {
    const mine = ct.top.map((s, i) => [s, i]).filter(([s]) => !s.equivalent_of && money(s.country_loss) !== "$0" && s.country_loss > 0).slice(0, 3);
    if (!mine.length) crow.push(el("tr", {}, el("td", {}, ct.name), el("td", {}), el("td", { class: "muted" }, "no single closure costs it anything"), el("td", {}), el("td", {})));
    for (const [s, i] of mine) crow.push(el("tr", {}, el("td", {}, ct.name), el("td", { class: "n" }, String(i + 1)), el("td", {}, closed(s)), el("td", { class: "n" }, money(s.country_loss)), el("td", { class: "n" }, money(s.loss))));
  }
  $("#choke-countries").replaceChildren(...crow);
  $("#choke-show").addEventListener("change", (e) => gc.classList.toggle("hidden", !e.target.checked));
  setVB();
}

// ---- scenario editor ----
async function scenariosPage() {
  const ta = $("#yaml"), errs = $("#errors"), status = $("#status");
  const list = await api("GET", "/api/scenarios");
  for (const b of list.builtin) {
    $("#builtin").append(el("li", {}, el("button", { class: "link", onclick: () => { ta.value = b.yaml; showErrors(errs); } }, b.name), el("br"), el("small", {}, b.title)));
  }
  for (const s of list.stored) {
    $("#stored").append(el("li", {}, el("button", { class: "link", onclick: async () => { ta.value = (await api("GET", `/api/scenarios/${s.id}`)).yaml; } }, `#${s.id} ${s.name}`)));
  }
  if (!ta.value && list.builtin.length) ta.value = list.builtin[0].yaml;
  errs.addEventListener("click", (e) => {
    const li = e.target.closest("li[data-line]");
    if (!li || !li.dataset.line) return;
    const line = +li.dataset.line, lines = ta.value.split("\n");
    const start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    ta.focus();
    ta.setSelectionRange(start, start + (lines[line - 1] || "").length);
  });
  const send = async (path, okText) => {
    status.textContent = "…";
    try {
      const r = await api("POST", path, { yaml: ta.value });
      showErrors(errs);
      const sc = r.scenario;
      status.textContent = `${okText}: ${sc.name}, ${sc.rules} rules, ${sc.states} regime states, ${sc.overrides} overrides` + (r.id ? ` (saved as #${r.id})` : "");
      return r;
    } catch (e) {
      status.textContent = "";
      showErrors(errs, e);
    }
  };
  $("#validate").addEventListener("click", () => send("/api/scenarios/validate", "valid"));
  $("#save").addEventListener("click", async () => {
    const r = await send("/api/scenarios", "saved");
    if (r) $("#stored").prepend(el("li", {}, el("a", { href: "/runs" }, `#${r.id} ${r.scenario.name}`), " — run it on the Runs page"));
  });
}

// ---- runs: launch and history ----
async function runsPage() {
  const [sc, data] = await Promise.all([api("GET", "/api/scenarios"), api("GET", "/api/data")]);
  const choices = $("#scenario-choices");
  sc.builtin.forEach((b, i) => choices.append(el("label", {}, el("input", { type: "checkbox", name: "builtin", value: b.name, checked: i === 0 }), b.name)));
  for (const s of sc.stored) choices.append(el("label", {}, el("input", { type: "checkbox", name: "stored", value: s.id }), `#${s.id} ${s.name} (saved)`));
  for (const p of data.projects) $("#project-choices").append(el("label", {}, el("input", { type: "checkbox", name: "project", value: p.id }), p.id));
  let current = null;
  $("#launch").addEventListener("submit", async (e) => {
    e.preventDefault();
    const vals = (name) => [...document.querySelectorAll(`input[name=${name}]:checked`)].map((x) => x.value);
    const body = { scenarios: vals("builtin"), scenario_ids: vals("stored").map(Number), projects: vals("project"), draws: +$("#draws").value, seed: +$("#seed").value, analysis: $("#analysis").checked, premium: $("#premium").value.trim() };
    try {
      const r = await api("POST", "/api/runs", body);
      showErrors($("#errors"));
      current = r.id;
      follow(r.id, (d) => { history(); if (d.status === "complete") toast(`run ${d.id} complete`); });
      history();
    } catch (err) {
      showErrors($("#errors"), err);
    }
  });
  $("#cancel").addEventListener("click", async () => {
    if (!current) return;
    try { await api("POST", `/api/runs/${current}/cancel`); } catch (err) { toast(err.message); }
  });
  $("#compare").addEventListener("click", () => {
    const ids = [...document.querySelectorAll("input[name=cmp]:checked")].map((x) => x.value);
    if (ids.length !== 2) return toast("tick exactly two runs");
    location.href = `/compare?a=${ids[1]}&b=${ids[0]}`;
  });
  async function history() {
    const runs = await api("GET", "/api/runs");
    $("#history tbody").replaceChildren(...runs.map((r) => {
      const s = r.spec || {};
      const scen = [...(s.scenarios || []), ...(s.custom || []).map((c) => `#${c.id} ${c.name}`)].join(", ") || "all built-in";
      return el("tr", { class: r.status },
        el("td", {}, el("input", { type: "checkbox", name: "cmp", value: r.id })),
        el("td", {}, el("a", { href: `/runs/${r.id}` }, `run ${r.id}`)),
        el("td", {}, r.status + (r.status === "running" ? ` ${r.done}/${r.total}` : "")),
        el("td", {}, scen), el("td", {}, (s.projects || []).join(", ") || "all"),
        el("td", {}, r.draws), el("td", {}, r.seed), el("td", {}, s.premium || "—"), el("td", {}, new Date(r.created).toLocaleString()));
    }));
  }
  history();
}

// ---- run detail ----
async function runPage() {
  const id = document.body.dataset.id;
  const r = await api("GET", `/api/runs/${id}`);
  $("#status").textContent = `status: ${r.status}` + (r.error ? ` — ${r.error}` : "");
  const s = r.spec;
  $("#spec").replaceChildren(el("h2", {}, "Inputs"), specTable([s]));
  if (r.status === "queued" || r.status === "running") {
    follow(id, () => location.reload());
    return;
  }
  if (!r.result) return;
  const res = r.result;
  if (!schemaOK(res)) {
    $("#cases").replaceChildren(el("p", { class: "muted" }, `This run's result is in an older format (schema ${res.schema_version || 1}); run its inputs again to see its key numbers here.`));
  } else {
    const names = await countryNames(), who = deciderName(res, names);
    $("#verdicts").replaceChildren(el("h2", {}, "Verdicts"), el("ul", {}, (res.verdicts || []).map((v) => el("li", {}, el("b", {}, v.project), ": ", v.verdict))));
    $("#cases").replaceChildren(el("h2", {}, "Key numbers"), el("table", {},
      groupHead(["project", "scenario", [`P(${who} commits)`, ["bargaining", "accounting"]],
        [`${who}`, ["strategic value", "outlay", "NPV mean", "NPV P10 … P90"]], ["break-even premium/yr", ["bargaining", "accounting"]], "premium/yr"]),
      res.cases.map((c) => {
        const d = countryOf(c, res.decider), why = c.decider_involved ? null : `${who} has no part in this project`;
        return el("tr", {}, el("td", {}, c.project), el("td", {}, c.scenario),
          el("td", { class: "num commit", title: why }, commitText(c.bargaining)), el("td", { class: "num commit", title: why }, commitText(c.accounting)),
          el("td", { class: "num" }, money(mean(d && d.strategic_value))), el("td", { class: "num" }, money(mean(d && d.outlay))),
          el("td", { class: "num" }, money(mean(d && d.npv))), el("td", { class: "num" }, range(d && d.npv)),
          el("td", { class: "num" }, breakEven(c.bargaining)), el("td", { class: "num" }, breakEven(c.accounting)),
          el("td", { class: "num", title: c.premium_source || null }, num(c.premium_usd_per_yr) && c.premium_usd_per_yr > 0 ? money(c.premium_usd_per_yr) : "none"));
      })),
      el("p", { class: "muted" }, viewsNote(who)),
      el("p", { class: "muted" }, `decider ${res.decider || "none"}, input hash ${res.input_hash}, model ${res.version}, schema ${res.schema_version}`));
    // every country's strategic value beside its NPV
    const rows = [];
    for (const c of res.cases) {
      for (const x of c.countries || []) {
        if (![x.strategic_value, x.npv, x.outlay].some(shows)) continue;
        rows.push(el("tr", { class: x.country === res.decider ? "decider" : null }, el("td", {}, c.project), el("td", {}, c.scenario), el("td", {}, x.country),
          el("td", { class: "num" }, money(mean(x.strategic_value))), el("td", { class: "num" }, range(x.strategic_value)),
          el("td", { class: "num" }, money(mean(x.npv))), el("td", { class: "num" }, range(x.npv)), el("td", { class: "num" }, pct(x.npv && x.npv.p_positive)),
          el("td", { class: "num" }, money(mean(x.outlay)))));
      }
    }
    $("#countries").replaceChildren(el("h2", {}, "By country"), rows.length ? el("table", { id: "country-values" },
      groupHead(["project", "scenario", "country", ["strategic value", ["mean", "P10 … P90"]], ["NPV", ["mean", "P10 … P90", "P(NPV>0)"]], "outlay"]), rows)
      : el("p", { class: "muted" }, "No country has a strategic value, NPV or outlay."),
      el("p", { class: "muted" }, `Countries with none of the three are left out; ${who}'s rows are in bold.`));
  }
  const rep = `/api/runs/${id}/report.html`;
  if ((await fetch(rep, { method: "HEAD" })).ok) {
    $("#report").replaceChildren(el("h2", {}, "Report ", el("small", {}, el("a", { href: rep, target: "_blank" }, "open on its own"))),
      el("iframe", { src: rep, title: "HTML report", sandbox: "" }));
  }
}

const specRows = [
  ["scenarios", (s) => (s.scenarios || []).join(", ") || (s.custom && s.custom.length ? "—" : "all built-in")],
  ["saved scenarios", (s) => (s.custom || []).map((c) => `#${c.id} ${c.name}`).join(", ") || "—"],
  ["projects", (s) => (s.projects || []).join(", ") || "all"],
  ["draws", (s) => s.draws], ["seed", (s) => s.seed], ["analysis", (s) => (s.analysis ? "yes" : "no")],
  ["premium", (s) => s.premium || "the data's"],
  ["data", (s) => s.data], ["model version", (s) => s.version],
];

// specTable shows run specs side by side. With several specs, the rows that differ come first
// (marked "differ") and the rest are summed up in one row.
function specTable(specs, heads) {
  const rows = specRows.map(([name, f]) => {
    const vals = specs.map((s) => String(f(s)));
    return { name, vals, differ: specs.length > 1 && vals.some((v) => v !== vals[0]) };
  });
  const shown = specs.length > 1 ? rows.filter((r) => r.differ) : rows;
  const same = specs.length > 1 ? rows.filter((r) => !r.differ) : [];
  return el("table", { class: "spec" }, heads ? el("tr", {}, el("th"), heads.map((h) => el("th", {}, h))) : null,
    shown.map((r) => el("tr", { class: r.differ ? "differ" : "" }, el("th", {}, r.name), r.vals.map((v) => el("td", {}, v)))),
    same.length ? el("tr", { class: "same" }, el("th", {}, "same in both"), el("td", { colspan: specs.length }, same.map((r) => `${r.name} ${r.vals[0]}`).join(" · "))) : null);
}

// ---- compare two runs ----

// lineDiff returns the edit script between two texts' lines (longest common subsequence), as
// [op, line] pairs with op " " (both), "-" (only in a) or "+" (only in b).
function lineDiff(a, b) {
  const x = a.split("\n"), y = b.split("\n"), n = x.length, m = y.length;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { out.push([" ", x[i]]); i++; j++; }
    else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) out.push(["-", x[i++]]);
    else out.push(["+", y[j++]]);
  }
  return out;
}

// diffView shows the changed lines of a diff; a hunk after unchanged lines names the list item
// (rule, override, regime state or transition) it is in.
function diffView(d) {
  const near = d.map(() => false);
  d.forEach(([op], k) => { if (op !== " ") near[k] = true; });
  const pre = el("pre", { class: "diff" });
  let gap = false, item = "";
  d.forEach(([op, line], k) => {
    const m = /^\s*- (id|path|from): *(.*)$/.exec(line);
    if (!near[k]) {
      gap = true;
      if (m) item = `${m[1]}: ${m[2]}`;
      else if (/^\S/.test(line) && !line.startsWith("#")) item = "";
      return;
    }
    if (gap) pre.append(el("span", { class: "gap" }, `…${item ? "  in " + item : ""}\n`));
    gap = false;
    if (m) item = `${m[1]}: ${m[2]}`;
    pre.append(el("span", { class: op === "+" ? "add" : op === "-" ? "del" : "ctx" }, `${op} ${line}\n`));
  });
  return pre;
}

// scenarioTexts returns the YAML of the scenarios a run used, in the order its result lists them.
function scenarioTexts(spec, builtin) {
  const find = (name) => builtin.find((b) => b.name === name) || builtin.find((b) => b.name.startsWith(name + "-"));
  const names = spec.scenarios === null || spec.scenarios === undefined ? ((spec.custom || []).length ? [] : builtin.map((b) => b.name)) : spec.scenarios;
  const out = names.map((n) => { const b = find(n); return { name: b ? b.name : n, label: `built-in ${b ? b.name : n}`, yaml: b ? b.yaml : "" }; });
  for (const c of spec.custom || []) out.push({ name: c.name, label: `saved #${c.id} ${c.name}`, yaml: c.yaml });
  return out;
}

async function comparePage() {
  const q = new URLSearchParams(location.search);
  $("#a").value = q.get("a") || "";
  $("#b").value = q.get("b") || "";
  $("#pick").addEventListener("submit", (e) => { e.preventDefault(); location.search = `?a=${$("#a").value}&b=${$("#b").value}`; });
  $("#swap").addEventListener("click", () => { location.search = `?a=${$("#b").value}&b=${$("#a").value}`; });
  if (!q.get("a") || !q.get("b")) return;
  const [a, b, sc] = await Promise.all([api("GET", `/api/runs/${+q.get("a")}`), api("GET", `/api/runs/${+q.get("b")}`), api("GET", "/api/scenarios")]);
  $("#inputs").replaceChildren(el("h2", {}, "Inputs"), specTable([a.spec, b.spec], [el("a", { href: `/runs/${a.id}` }, `run ${a.id}`), el("a", { href: `/runs/${b.id}` }, `run ${b.id}`)]));
  // the scenarios themselves, paired by position, as a line diff of their YAML
  const ta = scenarioTexts(a.spec, sc.builtin), tb = scenarioTexts(b.spec, sc.builtin);
  const diffs = el("div", { id: "scenario-diff" }, el("h3", {}, "Scenario differences ", el("small", {}, `(− run A ${a.id}, + run B ${b.id}; unchanged lines left out)`)));
  for (let k = 0; k < Math.max(ta.length, tb.length); k++) {
    const x = ta[k], y = tb[k];
    const head = el("h4", {}, `${x ? x.label : "—"} (run ${a.id}) vs ${y ? y.label : "—"} (run ${b.id})`);
    if (!x || !y) { diffs.append(head, el("p", { class: "muted" }, "only one run has this scenario")); continue; }
    const d = lineDiff(x.yaml, y.yaml);
    diffs.append(head, d.some(([op]) => op !== " ") ? diffView(d) : el("p", { class: "muted" }, "identical"));
  }
  $("#inputs").append(diffs);
  if (!a.result || !b.result) {
    $("#outputs").replaceChildren(el("p", {}, "Both runs must be complete to compare outputs."));
    return;
  }
  const old = [a, b].filter((r) => !schemaOK(r.result)).map((r) => r.id);
  if (old.length) {
    $("#outputs").replaceChildren(el("p", {}, `The result of run ${old.join(" and ")} is in an older format; run its inputs again to compare outputs.`));
    return;
  }
  const names = await countryNames(), who = deciderName(a.result, names);
  // match cases by project and the scenario's position in its run
  const key = (res) => { const m = new Map(); for (const c of res.cases) m.set(`${c.project}|${res.scenarios.indexOf(c.scenario)}`, c); return m; };
  const ka = key(a.result), kb = key(b.result);
  const keys = [...new Set([...ka.keys(), ...kb.keys()])];
  const sign = (v, f) => (v > 0 ? "+" : "") + f(v);
  // a delta cell; "moved" marks a change that shows at the displayed precision
  const delta = (ok, v, f) => el("td", { class: "num delta" + (ok && /[1-9]/.test(f(v)) ? " moved" : "") }, ok ? sign(v, f) : "");
  const pts = (v) => v.toFixed(0) + " pts";
  const runs = [`run ${a.id}`, `run ${b.id}`], withDelta = [...runs, "Δ"];
  // both views' commitment: A, B and the change in percentage points (none when either is "—")
  const commitCells = (ca, cb, view) => {
    const pa = commitOf(ca && ca[view]), pb = commitOf(cb && cb[view]);
    return [el("td", { class: "num commit" }, ca ? commitText(ca[view]) : "—"), el("td", { class: "num commit" }, cb ? commitText(cb[view]) : "—"),
      delta(pa !== null && pb !== null, 100 * (pb - pa), pts)];
  };
  const be = (c, view) => el("td", { class: "num" }, c ? breakEven(c[view]) : "—");
  $("#outputs").replaceChildren(el("h2", {}, "Outputs"), el("table", { id: "compare-table" },
    groupHead(["project", ["scenario", runs], [`P(${who} commits), bargaining`, withDelta], [`P(${who} commits), accounting`, withDelta],
      ["break-even premium/yr, bargaining", runs], ["break-even premium/yr, accounting", runs]]),
    keys.map((k) => {
      const ca = ka.get(k), cb = kb.get(k);
      return el("tr", {}, el("td", {}, (ca || cb).project), el("td", {}, ca ? ca.scenario : "—"), el("td", {}, cb ? cb.scenario : "—"),
        commitCells(ca, cb, "bargaining"), commitCells(ca, cb, "accounting"),
        be(ca, "bargaining"), be(cb, "bargaining"), be(ca, "accounting"), be(cb, "accounting"));
    })),
  el("p", { class: "muted" }, viewsNote(who)));
  // every country's strategic value and NPV, for the cases both runs have
  const rows = [];
  const deltaOf = (x, y) => { const u = mean(x), v = mean(y); return delta(u !== null && v !== null, v - u, money); };
  for (const k of keys) {
    const ca = ka.get(k), cb = kb.get(k);
    if (!ca || !cb) continue;
    const cs = new Map((cb.countries || []).map((c) => [c.country, c]));
    for (const x of ca.countries || []) {
      const y = cs.get(x.country);
      if (!y || ![x.strategic_value, y.strategic_value, x.npv, y.npv].some(shows)) continue;
      rows.push(el("tr", { class: x.country === a.result.decider ? "decider" : null }, el("td", {}, ca.project), el("td", {}, `${ca.scenario} → ${cb.scenario}`), el("td", {}, x.country),
        el("td", { class: "num" }, money(mean(x.strategic_value))), el("td", { class: "num" }, money(mean(y.strategic_value))), deltaOf(x.strategic_value, y.strategic_value),
        el("td", { class: "num" }, money(mean(x.npv))), el("td", { class: "num" }, money(mean(y.npv))), deltaOf(x.npv, y.npv),
        el("td", { class: "num" }, pct(x.npv && x.npv.p_positive)), el("td", { class: "num" }, pct(y.npv && y.npv.p_positive))));
    }
  }
  $("#outputs").append(el("h3", {}, "Strategic value and NPV by country"), rows.length ? el("table", { id: "country-table" },
    groupHead(["project", "scenarios", "country", ["strategic value, mean", withDelta], ["NPV, mean", withDelta], ["P(NPV>0)", runs]]), rows)
    : el("p", { class: "muted" }, "No country has a non-zero strategic value or NPV in either run."));
}

document.addEventListener("DOMContentLoaded", () => {
  const tok = $("#token");
  tok.value = localStorage.getItem("corridor-token") || "";
  // The cookie carries the token on reads a script cannot give headers to (the event stream,
  // report links) when the server asks for it on reads; writes send the header only.
  const setCookie = (v) => (document.cookie = "corridor-token=" + encodeURIComponent(v) + "; path=/; SameSite=Strict" + (v ? "" : "; max-age=0"));
  setCookie(tok.value);
  tok.addEventListener("change", () => {
    localStorage.setItem("corridor-token", tok.value);
    setCookie(tok.value);
  });
  const pages = { map: mapPage, scenarios: scenariosPage, runs: runsPage, run: runPage, compare: comparePage };
  const f = pages[document.body.dataset.page];
  if (f) f().catch((e) => toast(e.message));
});
