// progdb's page: a prompt's stages (POST /api/query), the programs and their pairs, the map.
// Everything the server returns is put in the page as text (textContent), never as HTML.
"use strict";

const TOKEN_KEY = "progdb.token";
const PAIRS_PAGE = 100;
const $ = (id) => document.getElementById(id);

let tokenRequired = false;
let tokenWaiters = [];
let mapUrl = null;
let mapAsked = 0;  // the latest map asked for wins, whichever arrives last
let programsLoaded = false;
let shownProgram = null;

// -- small helpers ------------------------------------------------------------------------------
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function fixed(x, digits = 2) {
  return typeof x === "number" ? x.toFixed(digits) : "";
}

function meter(value) {
  const m = el("meter", { min: "0", max: "1", value: String(Math.max(0, Math.min(1, value || 0))) });
  m.title = fixed(value, 3);
  return m;
}

function definitions(dl, rows) {
  dl.replaceChildren();
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
    dl.append(el("dt", { text: term }), el("dd", {}, value));
  }
}

function chips(items) {
  return el("ul", { className: "chips" }, items.map((item) => el("li", { text: item })));
}

function showError(node, message) {
  node.textContent = message || "";
  node.hidden = !message;
}

// -- the token and the calls --------------------------------------------------------------------
function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function askToken(message) {  // message undefined: keep what the form says
  $("token-form").hidden = false;
  if (message !== undefined) showError($("token-message"), message);
  $("token-input").focus();
}

function tokenReady() {
  if (!tokenRequired || token()) return Promise.resolve();
  askToken();
  return new Promise((resolve) => tokenWaiters.push(resolve));
}

function tokenGiven(event) {
  event.preventDefault();
  const value = $("token-input").value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  $("token-input").value = "";
  $("token-form").hidden = true;
  $("forget-token").hidden = false;
  const waiting = tokenWaiters;
  tokenWaiters = [];
  waiting.forEach((resolve) => resolve());
}

async function call(path, options = {}) {
  await tokenReady();
  const headers = new Headers(options.headers || {});
  if (token()) headers.set("Authorization", "Bearer " + token());
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    tokenRequired = true;
    $("forget-token").hidden = true;
    askToken("The server refused that token: give the right one.");
    return call(path, options);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && body.message) message = body.message;
    } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

// -- a query, stage by stage --------------------------------------------------------------------
async function ask(event) {
  event.preventDefault();
  const prompt = $("prompt").value.trim();
  if (!prompt) return;
  $("ask").disabled = true;
  showError($("query-error"), "");
  $("query-status").textContent = "reading the prompt…";
  try {
    const response = await call("/api/query", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt }),
    });
    const result = await response.json();
    renderResult(result);
    $("query-status").textContent = "";
    loadMap(prompt);
  } catch (error) {
    $("query-status").textContent = "";
    showError($("query-error"), error.message);
  } finally {
    $("ask").disabled = false;
  }
}

function renderResult(r) {
  $("stages").hidden = false;
  $("verdict").replaceChildren(...verdict(r));
  $("verdict").className = "verdict " + (r.mode === "none" ? "none" : "found");

  definitions($("read"), [
    ["prompt", r.prompt],
    ["method", r.parse_method],
    ["template", r.template],
    ["key", r.key],
    ["inputs", r.inputs.length ? chips(r.inputs) : el("span", { className: "muted", text: "none" })],
    ["slots", Object.entries(r.slots || {}).map(([k, v]) => `${k}: ${v}`).join(", ")],
    ["entities", (r.entities || []).map((e) => `${e.slot}: ${e.value}`).join(", ")],
    ["corrections", r.corrections.length ? chips(r.corrections) : null],
  ]);

  const chosen = new Set(r.programs.map((m) => m.name));
  $("retrieve-what").textContent = r.parse_method === "in-context" ?
    "How well the demonstrations fit each stored program (not a key match)." :
    (r.router === "classifier" ? "Router probability" : "Best key similarity") +
      ` of the nearest programs; threshold ${fixed(r.threshold)}.`;
  const rows = r.candidates.map((c) => el("tr", { className: chosen.has(c.name) ? "chosen" : (c.score < r.threshold ? "below" : "") },
    el("td", { className: "num", text: fixed(c.score, 3) }), el("td", {}, meter(c.score)),
    el("td", { text: c.name }), el("td", { className: "key", text: c.key })));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: "4", className: "muted", text: "no candidates" })));
  $("candidates").tBodies[0].replaceChildren(...rows);

  definitions($("decision"), [
    ["mode", el("strong", { text: r.mode })],
    ["why", r.message],
    ["threshold", fixed(r.threshold)],
    ["router", r.router],
    ["program kind", r.kind],
  ]);
  // A chain runs each program whole, in order: its steps have a key match, not a weight.
  const chain = r.mode === "composed";
  $("weights").hidden = !r.programs.length;
  $("weights").tHead.rows[0].cells[1].textContent = chain ? "key match" : "weight";
  $("weights").tBodies[0].replaceChildren(...r.programs.map((m, i) => el("tr", {},
    el("td", { text: (chain ? `step ${i + 1}: ` : "") + m.name }),
    el("td", { className: "num", text: fixed(chain ? m.score : m.weight) }), el("td", {}, meter(chain ? m.score : m.weight)))));

  renderAnswers(r);
}

function verdict(r) {
  if (r.mode === "none") return [el("strong", { text: "no program" }), `: ${r.message}`];
  const names = r.programs.map((m) => m.name).join(r.mode === "composed" ? " then " : " + ");
  const answered = r.outputs.filter((o) => o.source !== "error" && o.source !== "compiled" && o.answer);
  const parts = [el("strong", { text: names }), ` [${r.mode}]`];
  if (answered.length && r.outputs.every((o) => o.source !== "compiled" && o.source !== "llm")) {
    const text = answered.map((o) => o.answer + (o.sure ? "" : "?")).join(", ");
    parts.push(" → ", el("strong", { className: answered.every((o) => o.sure) ? "answer" : "answer guess", text }));
    if (answered.some((o) => !o.sure)) parts.push(el("span", { className: "warn", text: "  (not sure: a best guess)" }));
  } else if (r.outputs.some((o) => o.source === "compiled")) {
    parts.push(" → a compiled few-shot prompt (below)");
  } else if (r.outputs.some((o) => o.source === "llm")) {
    parts.push(" → the LLM's reply (below)");
  }
  return parts;
}

function sureness(o) {
  if (o.source === "stored") return "stored example";
  if (o.confidence === null || o.confidence === undefined) return o.source;
  return `${o.source}${o.method ? " (" + o.method + ")" : ""}, confidence ${fixed(o.confidence)}` +
    (o.sure ? "" : " — not sure: a best guess");
}

function renderAnswers(r) {
  const box = $("answers");
  box.replaceChildren();
  $("answer-what").textContent = r.mode === "none" ? "Nothing to run." :
    r.kind === "fewshot" || r.compiled.length ? "A text program: its few-shot prompt, compiled from stored pairs (run by an LLM when the server has one)." :
      r.kind === "vector" ? "A word program: the answer computed in word space, or a stored pair." : "";
  for (const o of r.outputs) {
    const item = el("div", { className: "output" });
    if (o.source === "error") {
      item.append(el("p", {}, el("span", { className: "input", text: o.input }), " ", el("span", { className: "error", text: "error: " + o.error })));
    } else if (o.source === "compiled" || o.source === "llm") {
      item.append(el("p", {}, o.source === "llm" ? "LLM reply for " : "Compiled prompt for ", el("span", { className: "input", text: o.input })));
      if (o.note) item.append(el("p", { className: "muted", text: o.note }));
      item.append(el("pre", { className: "compiled", text: o.answer || "" }));
    } else {
      const answer = o.source === "stored" && o.answers.length ? o.answers.join(" / ") : (o.answer || "");
      const steps = o.chain.length ? o.chain.join(" → ") : null;
      item.append(el("p", { className: "result" },
        steps ? el("span", { className: "answer", text: steps }) :
          // (a best guess reads as one, in the warning's colour: a nurse's class saw "aspirin → anticoagulant" in green)
          [el("span", { className: "input", text: o.input }), " → ",
            el("span", { className: o.sure ? "answer" : "answer guess", text: answer + (o.sure ? "" : "?") })]),
        el("p", { className: o.sure ? "muted" : "warn", text: sureness(o) }));
      if (o.candidates.length) {
        item.append(el("p", { className: "muted", text: "candidates: " +
          o.candidates.slice(0, 8).map((c) => `${c.answer} ${fixed(c.score)}`).join(", ") }));
      }
      if (o.note) item.append(el("p", { className: "muted", text: "note: " + o.note }));
    }
    box.append(item);
  }
  for (const c of r.compiled) {
    if (!c.examples.length && !c.notes.length) continue;
    const list = el("ol", { className: "demos" }, c.examples.map((ex) =>
      el("li", {}, el("span", { className: "num", text: fixed(ex.score, 3) }), " ",
        el("span", { className: "tag", text: ex.program }), " ", ex.input)));
    box.append(el("details", {}, el("summary", { text: `demonstrations chosen for “${c.input.slice(0, 60)}”` }),
      list, c.notes.map((n) => el("p", { className: "muted", text: n }))));
  }
  if (r.mode !== "none" && !r.outputs.length) box.append(el("p", { className: "muted", text: "The prompt gives the program no input." }));
}

// -- the map --------------------------------------------------------------------------------------
async function loadMap(prompt) {
  const asked = ++mapAsked;
  $("map-status").textContent = prompt ? "drawing the map with the query…" : "drawing the map…";
  try {
    const response = await call("/page-data/map.png" + (prompt ? "?q=" + encodeURIComponent(prompt) : ""));
    const blob = await response.blob();
    if (asked !== mapAsked) return;
    if (mapUrl) URL.revokeObjectURL(mapUrl);
    mapUrl = URL.createObjectURL(blob);
    $("map").src = mapUrl;
    $("map").alt = prompt ? `map of program space with the query “${prompt}”` : "map of program space";
    $("map-status").textContent = response.headers.get("X-Progdb-Note") || "";
  } catch (error) {
    if (asked === mapAsked) $("map-status").textContent = "the map could not be drawn: " + error.message;
  }
}

// -- the programs -------------------------------------------------------------------------------
async function loadPrograms() {
  showError($("programs-error"), "");
  try {
    const { programs } = await (await call("/page-data/programs")).json();
    $("programs-title").textContent = `Programs (${programs.length})`;
    $("programs").tBodies[0].replaceChildren(...programs.map((p) => {
      const open = el("button", { type: "button", className: "link", text: p.name });
      open.addEventListener("click", () => openProgram(p.name));
      const row = el("tr", { "data-name": p.name },
        el("td", {}, open), el("td", { text: p.kind }), el("td", { className: "num", text: p.n_keys }),
        el("td", { className: "num", text: p.n_examples }), el("td", { className: "prose", text: p.description }));
      row.dataset.search = `${p.name} ${p.kind} ${p.description}`.toLowerCase();
      return row;
    }));
    programsLoaded = true;
    filterPrograms();
  } catch (error) {
    showError($("programs-error"), error.message);
  }
}

function filterPrograms() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const row of $("programs").tBodies[0].rows) {
    row.hidden = !words.every((w) => row.dataset.search.includes(w));
  }
}

async function openProgram(name) {
  showError($("programs-error"), "");
  try {
    const card = await (await call(`/page-data/programs/${encodeURIComponent(name)}?limit=${PAIRS_PAGE}`)).json();
    shownProgram = card;
    $("program").hidden = false;
    $("program-name").textContent = `${card.name} (${card.kind})`;
    $("program-description").textContent = card.description;
    definitions($("program-fields"), [["source", card.source], ["license", card.license]]);
    $("program-keys").replaceChildren(...card.keys.map((k) => el("li", { text: k })));
    $("pairs").tBodies[0].replaceChildren();
    for (const row of $("programs").tBodies[0].rows) row.classList.toggle("chosen", row.dataset.name === name);
    addPairs(card);
  } catch (error) {
    showError($("programs-error"), error.message);
  }
}

function addPairs(card) {
  const body = $("pairs").tBodies[0];
  card.examples.forEach((ex, i) => body.append(el("tr", {},
    el("td", { className: "num muted", text: card.offset + i + 1 }), el("td", { text: ex.input }), el("td", { text: ex.output }))));
  const shown = body.rows.length;
  $("pairs-title").textContent = `Pairs (${shown} of ${card.n_examples} shown)`;
  $("more-pairs").hidden = shown >= card.n_examples;
}

async function morePairs() {
  const card = shownProgram;
  const offset = $("pairs").tBodies[0].rows.length;
  try {
    const next = await (await call(`/page-data/programs/${encodeURIComponent(card.name)}?offset=${offset}&limit=${PAIRS_PAGE}`)).json();
    addPairs(next);
  } catch (error) {
    showError($("programs-error"), error.message);
  }
}

// -- tabs and start -----------------------------------------------------------------------------
function showView(name) {
  for (const view of ["query", "programs"]) {
    $("view-" + view).hidden = view !== name;
    $("tab-" + view).setAttribute("aria-selected", String(view === name));
  }
  if (name === "programs" && !programsLoaded) loadPrograms();
}

async function start() {
  $("token-form").addEventListener("submit", tokenGiven);
  $("query-form").addEventListener("submit", ask);
  $("prompt").addEventListener("keydown", (event) => {  // Enter runs the prompt, as a one-line box did
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("query-form").requestSubmit();
    }
  });
  $("prompt").addEventListener("input", () => {  // the box grows with a pasted text
    const box = $("prompt");
    box.style.height = "auto";
    box.style.height = `${Math.min(box.scrollHeight, 320)}px`;
  });
  $("tab-query").addEventListener("click", () => showView("query"));
  $("tab-programs").addEventListener("click", () => showView("programs"));
  $("filter").addEventListener("input", filterPrograms);
  $("more-pairs").addEventListener("click", morePairs);
  $("forget-token").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    $("forget-token").hidden = true;
  });
  try {
    const config = await (await fetch("/page-data/config")).json();
    tokenRequired = config.token_required;
    $("version").textContent = "v" + config.version;
  } catch (_) { /* an older server: a 401 will ask for the token */ }
  $("forget-token").hidden = !(tokenRequired && token());
  document.body.dataset.ready = "true";
  loadMap(null);
}

document.addEventListener("DOMContentLoaded", start);
