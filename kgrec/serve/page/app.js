// kgrec's page: plain JavaScript over the service's JSON API (no framework, no CDN).
"use strict";

const state = { user: null, visitorText: null, last: null, shown: new Set(), slate: null };
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

async function api(path, body = null) {
  return (await call(path, body)).data;
}

// the answer and the explored slate's id, where the service explores (X-Kgrec-Slate)
async function call(path, body = null) {
  const opts = body === null ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  };
  const res = await fetch(path, opts);
  const data = await res.json();
  if (!res.ok) throw new Error(data.error ? data.error.message : res.statusText);
  return { data, slate: res.headers.get("X-Kgrec-Slate") };
}

function say(text) { $("status").textContent = text; }

// "Because you liked *X*" -> text with <em> titles, built without innerHTML
function reasonNode(text) {
  const p = el("p", { class: "reason" });
  text.split("*").forEach((part, k) => p.append(k % 2 ? el("em", {}, part) : part));
  return p;
}

const enc = encodeURIComponent;

// --- who ------------------------------------------------------------------------------
async function openUser(user, replace = true) {
  state.user = user;
  state.visitorText = null;
  if (replace) history.replaceState(null, "", `/?user=${enc(user)}`);
  $("list-title").textContent = `Recommended for ${user}`;
  await Promise.all([loadList(), loadSide()]);
}

async function startVisitor(text) {
  state.user = null;
  state.visitorText = text;
  history.replaceState(null, "", "/");
  $("list-title").textContent = "Recommended for you";
  const t0 = performance.now();
  const recs = await api("/recommendations/text", { text, k: 10, explain: true });
  renderCards(recs, true);
  say(`${recs.length} items from what you said (${Math.round(performance.now() - t0)} ms). React to one to keep going.`);
  $("profile-chart").replaceChildren();
  $("history").replaceChildren();
}

// a visitor becomes a user with their first reaction: their words are remembered
async function ensureUser() {
  if (state.user) return state.user;
  const id = `visitor-${Math.random().toString(36).slice(2, 10)}`;
  await api("/recommendations/text", { text: state.visitorText, k: 1, explain: false, user_id: id });
  state.user = id;
  state.visitorText = null;
  history.replaceState(null, "", `/?user=${enc(id)}`);
  $("list-title").textContent = `Recommended for ${id}`;
  return id;
}

// --- the list -----------------------------------------------------------------------------
async function loadList() {
  const t0 = performance.now();
  const { data: recs, slate } = await call(`/users/${enc(state.user)}/recommendations?k=10&explain=true`);
  state.slate = slate;
  renderCards(recs, false);
  say(`${recs.length} items (${Math.round(performance.now() - t0)} ms)`);
}

function renderCards(recs, fresh) {
  const top = Math.max(...recs.map((r) => r.score), 1e-9);
  const before = fresh ? new Set() : state.shown;
  state.shown = new Set(recs.map((r) => r.item_id));
  $("cards").replaceChildren(...recs.map((r) => card(r, top, before.size > 0 && !before.has(r.item_id))));
}

function card(r, top, isNew) {
  const width = Math.max(2, Math.round((100 * Math.max(r.score, 0)) / top));
  const why = el("details", { "data-testid": "why" }, el("summary", {}, "Why?"));
  why.addEventListener("toggle", () => { if (why.open && why.children.length === 1) explainInto(why, r); });
  const actions = el("div", { class: "actions" },
    el("button", { type: "button", "data-action": "like", onclick: () => react(r, "like") }, "Like"),
    el("button", { type: "button", "data-action": "dislike", onclick: () => react(r, "dislike") }, "Dislike"),
    el("button", { type: "button", "data-action": "not-interested", onclick: () => react(r, "skip") }, "Not interested"));
  return el("li", { class: isNew ? "card new" : "card", "data-item-id": r.item_id },
    el("div", { class: "card-head" },
      el("span", { class: "rank" }, `${r.rank}.`),
      el("span", { class: "title" }, r.title),
      el("span", { class: "score", title: "score" }, r.score.toFixed(3))),
    el("div", { class: "scorebar", "aria-hidden": "true" }, el("span", { style: `width:${width}%` })),
    reasonNode(r.text || ""),
    actions,
    why);
}

async function react(r, kind) {
  try {
    const user = await ensureUser();
    const body = { user_id: user, item_id: r.item_id, kind };
    if (state.slate) body.slate_id = state.slate;  // the explored list it reacts to
    await api("/feedback", body);
    state.last = { item: r.item_id, title: r.title, kind };
    $("undo").hidden = false;
    $("undo").textContent = `Undo ${kind === "skip" ? "not interested" : kind} on “${r.title}”`;
    await Promise.all([loadList(), loadSide()]);
  } catch (e) { say(e.message); }
}

async function undo() {
  if (!state.last || !state.user) return;
  const { item, title } = state.last;
  await api("/feedback", { user_id: state.user, item_id: item, kind: "reset" });
  state.last = null;
  $("undo").hidden = true;
  await Promise.all([loadList(), loadSide()]);
  say(`Undone: “${title}” is as before.`);
}

// --- explanations ----------------------------------------------------------------------
function explainInto(box, r) {
  const paths = r.paths || [];
  if (!paths.length) { box.append(el("p", { class: "muted" }, "No single path carries this score.")); return; }
  for (const p of paths) box.append(pathNode(p, r.score));
  box.append(graphNode(paths));
}

function pathNode(p, total) {
  const row = el("div", { class: "path", "data-testid": "path" });
  p.nodes.forEach((n, k) => {
    if (k > 0) row.append(el("span", { class: "rel" }, `—${p.relationships[k - 1]}→`));
    const attr = n.label !== "User" && n.label !== "Item";
    row.append(attr
      ? el("button", { type: "button", class: "chip", title: n.label, onclick: () => showAttribute(n.node_id) }, n.name)
      : el("span", { class: "chip", title: n.label }, n.name));
  });
  // its share of the score where that reads as one; else (other terms pull the score
  // down, so paths add up to more than it) what it adds, in score points
  const share = total > 0 ? (100 * p.score) / total : NaN;
  const shown = share >= 0 && share <= 100 ? `${Math.round(share)}%` : `${p.score >= 0 ? "+" : ""}${p.score.toFixed(3)}`;
  row.append(el("span", { class: "share", title: `adds ${p.score.toFixed(3)} to the score` }, shown));
  return row;
}

// the union of the paths as a small layered graph: user left, the item right
function graphNode(paths) {
  const depth = new Map();
  const names = new Map();
  const edges = new Map();
  for (const p of paths) {
    const last = p.nodes.length - 1;
    p.nodes.forEach((n, k) => {
      const d = k === 0 ? 0 : k === last ? 3 : Math.min(k, 2);
      depth.set(n.node_id, Math.max(depth.get(n.node_id) ?? 0, d));
      names.set(n.node_id, n);
      if (k > 0) edges.set(`${p.nodes[k - 1].node_id}|${n.node_id}`, p.relationships[k - 1]);
    });
  }
  const columns = [[], [], [], []];
  for (const [id, d] of depth) columns[d].push(id);
  const used = columns.filter((c) => c.length);
  const rows = Math.max(...used.map((c) => c.length));
  const W = 560, H = Math.max(90, rows * 42 + 20);
  const pos = new Map();
  used.forEach((col, ci) => col.forEach((id, ri) => {
    const x = used.length === 1 ? W / 2 : 70 + (ci * (W - 150)) / (used.length - 1);
    pos.set(id, [x, ((ri + 1) * H) / (col.length + 1)]);
  }));
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img",
    "aria-label": "explanation graph", "data-testid": "explanation-graph" });
  const labelled = new Set();  // one label per relationship at each end: no pile-ups
  for (const [key, rel] of edges) {
    const [src, dst] = key.split("|");
    const [a, b] = [pos.get(src), pos.get(dst)];
    box.append(svg("line", { class: "edge", x1: a[0], y1: a[1], x2: b[0], y2: b[1] }));
    if (labelled.has(`${src}>${rel}`) || labelled.has(`${rel}>${dst}`)) continue;
    labelled.add(`${src}>${rel}`).add(`${rel}>${dst}`);
    box.append(svg("text", { class: "edge-label", x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2 - 3, "text-anchor": "middle" }, rel));
  }
  for (const [id, [x, y]] of pos) {
    const n = names.get(id);
    const colour = n.label === "User" || n.label === "Item" ? `var(--${n.label})` : "var(--attr)";
    box.append(svg("circle", { cx: x, cy: y, r: 7, fill: colour, "data-node-id": id }));
    const name = n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name;
    box.append(svg("text", { x, y: y + 19, "text-anchor": "middle" }, name));
  }
  return box;
}

async function showAttribute(nodeId) {
  const data = await api(`/nodes/${enc(nodeId)}/items?limit=12`);
  $("attribute").hidden = false;
  $("attribute-title").textContent = `${data.label}: ${data.name} (${data.count} items)`;
  $("attribute-items").replaceChildren(...data.items.map((i) =>
    el("li", {}, el("button", { type: "button", class: "chip", onclick: () => whyNot(i.item_id) }, i.title))));
  $("attribute").scrollIntoView({ block: "nearest" });
}

async function whyNot(itemId) {
  const out = $("whynot-result");
  if (!state.user) { out.replaceChildren(el("p", { class: "muted" }, "Open a user first.")); return; }
  try {
    const r = await api(`/users/${enc(state.user)}/explanations/${enc(itemId)}`);
    const where = r.rank === 0 ? "in their history already" : `ranked ${r.rank}`;
    const box = el("div", {}, el("p", {}, el("strong", {}, r.title), ` — ${where}, score ${r.score.toFixed(3)}`),
      reasonNode(r.text || "Nothing in the graph links it to this user's items."));
    for (const p of r.paths || []) box.append(pathNode(p, r.score));
    out.replaceChildren(box);
  } catch (e) { out.replaceChildren(el("p", { class: "muted" }, e.message)); }
}

// --- profile and history ------------------------------------------------------------------
async function loadSide() {
  const user = state.user;
  const [hist, prof] = await Promise.all([
    api(`/users/${enc(user)}/history`).catch(() => []),
    api(`/users/${enc(user)}/profile`).catch(() => null),
  ]);
  $("history").replaceChildren(...hist.slice(0, 60).map((h) =>
    el("li", { class: `${h.weight < 0 ? "neg" : ""} ${h.feedback ? "fb" : ""}`.trim() }, h.title)));
  $("profile-chart").replaceChildren(prof && prof.top.length ? profileChart(prof) :
    el("p", { class: "muted" }, "Interests over time need a history with timestamps."));
}

// one row per attribute: its share now, then a bar per time window (oldest first)
function profileChart(prof) {
  const top = prof.top.slice(0, 6);
  const windows = prof.windows;
  const W = 320, rowH = 30, left = 110, cell = (W - left - 40) / Math.max(windows.length, 1);
  const H = top.length * rowH + 24;
  const box = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": "interests over time" });
  windows.forEach((w, k) => box.append(svg("text", { x: left + k * cell + cell / 2, y: 12, "text-anchor": "middle", class: "edge-label" },
    k === windows.length - 1 ? "latest" : `${k + 1}`)));
  box.append(svg("text", { x: W - 20, y: 12, "text-anchor": "middle", class: "edge-label" }, "now"));
  top.forEach((a, r) => {
    const y = 20 + r * rowH;
    const label = a.name.length > 16 ? `${a.name.slice(0, 15)}…` : a.name;
    box.append(svg("text", { x: 0, y: y + 16 }, label));
    windows.forEach((w, k) => {
      const share = (w.shares && w.shares[a.name]) || 0;
      const h = Math.max(1, share * (rowH - 6));
      box.append(svg("rect", { x: left + k * cell + 4, y: y + rowH - 6 - h, width: cell - 8, height: h, fill: "var(--bar)" },));
    });
    const now = Math.max(1, a.share * (rowH - 6));
    box.append(svg("rect", { x: W - 30, y: y + rowH - 6 - now, width: 20, height: now, fill: "var(--accent)" }));
  });
  return box;
}

// --- search boxes ---------------------------------------------------------------------
function suggest(input, list, path, show) {
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const found = await api(`${path}?q=${enc(input.value)}&limit=12`).catch(() => []);
      list.replaceChildren(...found.map((f) => el("option", { value: show(f).value }, show(f).label)));
    }, 120);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  suggest($("user-search"), $("user-list"), "/users", (u) => ({ value: u.user_id, label: u.text.slice(0, 60) }));
  suggest($("item-search"), $("item-list"), "/items", (i) => ({ value: i.item_id, label: i.title }));
  $("who").addEventListener("submit", (e) => { e.preventDefault(); const v = $("user-search").value.trim(); if (v) openUser(v).catch((x) => say(x.message)); });
  $("visitor").addEventListener("submit", (e) => { e.preventDefault(); const v = $("visitor-text").value.trim(); if (v) startVisitor(v).catch((x) => say(x.message)); });
  $("whynot-form").addEventListener("submit", (e) => { e.preventDefault(); const v = $("item-search").value.trim(); if (v) whyNot(v); });
  $("undo").addEventListener("click", () => undo().catch((x) => say(x.message)));
  const user = new URLSearchParams(location.search).get("user");
  if (user) openUser(user, false).catch((x) => say(x.message));
});
