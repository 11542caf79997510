// The lineage explorer: search, lineage / trace / impact graphs, time travel, details, diff, share.
import "./styles.css";
import { ApiError, gql, setToken, token } from "./api.js";
import { showDetails, when } from "./details.js";
import { KINDS, LineageGraph, isRestricted } from "./graph.js";
import { asOfMillis, fromUrl, isoToLocalInput, localInputToIso, toUrl } from "./state.js";

const NODE = "fragment N on LineageNode { id kind name label parentName distance state stage status executionType }";
const EDGE = "fragment E on LineageEdge { source target type role since until }";
const QUERIES = {
  lineage: `${NODE} ${EDGE}
query Lineage($ref: String!, $direction: LineageDirection!, $depth: Int!, $asOf: Timestamp, $first: Int!) {
  lineage(ref: $ref, direction: $direction, maxDepth: $depth, asOf: $asOf, first: $first) {
    truncated root { ...N } nodes { ...N } edges { ...E }
  }
}`,
  trace: `${NODE} ${EDGE}
query Trace($ref: String!, $depth: Int!, $asOf: Timestamp, $first: Int!) {
  trace(ref: $ref, maxDepth: $depth, asOf: $asOf, first: $first) {
    truncated root { ...N } nodes { ...N } edges { ...E }
    served { since until version { id label } }
  }
}`,
  impact: `${NODE} ${EDGE}
query Impact($ref: String!, $depth: Int!, $asOf: Timestamp, $first: Int!, $live: Boolean!) {
  impact(ref: $ref, maxDepth: $depth, asOf: $asOf, first: $first, liveOnly: $live) {
    truncated counts { kind count } root { ...N } nodes { ...N path } edges { ...E }
  }
}`,
};
const EXPAND = `${NODE} ${EDGE}
query Expand($ref: String!, $asOf: Timestamp) {
  lineage(ref: $ref, direction: BOTH, maxDepth: 1, asOf: $asOf, first: 500) {
    truncated root { ...N } nodes { ...N } edges { ...E }
  }
}`;
const SEARCH = `query Search($q: String!) {
  search(query: $q, first: 8) { id kind name label parentName state }
}`;
const DIFF = `query Diff($a: String!, $b: String!) {
  diff(versionA: $a, versionB: $b) {
    versionA { label } versionB { label }
    datasets { added removed common } datasetVersions { added removed common }
    executions { added removed common } libraries { added removed common }
    hyperparameters { key change a { ...Typed } b { ...Typed } } environment { key change a b } metrics { key change a b }
  }
}
fragment Typed on TypedValue { type stringValue intValue floatValue boolValue jsonValue }
`;
const KIND_ORDER = ["Deployment", "ModelVersion", "RegisteredModel", "Execution", "DatasetVersion", "Dataset",
  "ModelArtifact", "DocArtifact", "Experiment", "ServingEnvironment"];
const LIST_MAX = 50; // per kind in the side list; the graph and the counts show everything

const $ = (id) => document.getElementById(id);
let state = fromUrl();
let current = null; // the last answer drawn
const perf = { requests: [], draws: [] };
window.modelgraph = perf; // read by bench/ui_bench.py and the browser tests

const graph = new LineageGraph($("graph"), {
  onSelect: (id) => select(id),
  onExpand: (id) => expand(id),
  onGroup: (id) => graph.expandGroup(id).then(() => say("Expanded a group of preprocessing steps.")),
  onFocus: (_id, label) => say(`Focused: ${String(label ?? "").replace("\n", " — ")}. Enter opens its details.`),
});
perf.graph = graph;

// Hyperparameters come back typed (INT 32 and FLOAT 32.0 differ); other maps as plain JSON.
function shown(value) {
  if (value && typeof value === "object" && "type" in value) {
    const raw = { STRING: value.stringValue, INT: value.intValue, FLOAT: value.floatValue, BOOL: value.boolValue, JSON: value.jsonValue }[value.type];
    return `${JSON.stringify(raw ?? null)} (${value.type})`;
  }
  return JSON.stringify(value ?? null);
}

function say(text, kind = "info") {
  const box = $("status");
  box.textContent = text;
  box.dataset.kind = kind;
}

function fail(exc) {
  const code = exc instanceof ApiError ? ` (${exc.code})` : "";
  say(`${exc.message}${code}`, "error");
}

async function timed(name, query, variables) {
  const t0 = performance.now();
  try {
    return await gql(query, variables);
  } finally {
    perf.requests.push({ name, ms: performance.now() - t0 });
  }
}

function refForHit(hit) {
  if (hit.kind === "ModelVersion" || hit.kind === "DatasetVersion") return hit.label;
  if (hit.kind === "Deployment" && hit.parentName) return `${hit.parentName}/${hit.name}`;
  if (["Dataset", "RegisteredModel", "Experiment", "ServingEnvironment"].includes(hit.kind)) return hit.name;
  return hit.id;
}

function viewForKind(kind) {
  if (kind === "Deployment" || kind === "ModelVersion") return "trace";
  if (kind === "Dataset" || kind === "DatasetVersion") return "impact";
  return "lineage";
}

function writeControls() {
  $("view").value = state.view;
  $("ref").value = state.ref;
  $("direction").value = state.direction;
  $("depth").value = String(state.depth);
  $("as-of").value = isoToLocalInput(state.asOf);
  $("live-only").checked = state.live;
  $("diff-a").value = state.a;
  $("diff-b").value = state.b;
  document.body.dataset.view = state.view;
}

function readControls() {
  state = {
    ...state,
    view: $("view").value,
    ref: $("ref").value.trim(),
    direction: $("direction").value,
    depth: Math.min(50, Math.max(1, Number.parseInt($("depth").value, 10) || 10)),
    asOf: localInputToIso($("as-of").value),
    live: $("live-only").checked,
    a: $("diff-a").value.trim(),
    b: $("diff-b").value.trim(),
  };
}

function navigate(next, { push = true } = {}) {
  state = { ...state, ...next };
  const url = toUrl(state);
  if (push && url !== `${location.pathname}${location.search}`) history.pushState(null, "", url);
  writeControls();
  return render();
}

// Each render numbers itself: an answer that arrives after a newer request was made is dropped,
// so a slow earlier view can never overwrite the one the person asked for last.
let renderSeq = 0;

async function render() {
  const seq = ++renderSeq;
  $("truncated").hidden = true;
  $("diff").hidden = state.view !== "diff";
  if (state.view === "diff") return renderDiff();
  if (!state.ref) {
    $("welcome").hidden = false;
    return undefined;
  }
  $("welcome").hidden = true;
  say(`Loading ${state.view} of ${state.ref}…`);
  const variables = { ref: state.ref, depth: state.depth, asOf: asOfMillis(state), first: state.first };
  if (state.view === "lineage") variables.direction = state.direction;
  if (state.view === "impact") variables.live = state.live;
  let data;
  try {
    data = await timed(state.view, QUERIES[state.view], variables);
  } catch (exc) {
    if (seq !== renderSeq) return undefined;
    graph.clear();
    fail(exc);
    return undefined;
  }
  if (seq !== renderSeq) return undefined;
  const answer = data[state.view];
  current = answer;
  const t0 = performance.now();
  await graph.show(answer);
  perf.draws.push({ view: state.view, nodes: graph.cy.nodes().length, edges: graph.cy.edges().length, ms: performance.now() - t0, at: performance.now() });
  document.body.dataset.drawn = String(perf.draws.length);
  // The view that is on screen, as its shareable URL: tests (and people) can tell which request it answers.
  document.body.dataset.shown = toUrl(state);
  $("truncated").hidden = !answer.truncated;
  summarize(answer);
  const total = answer.nodes.length + 1;
  const at = state.asOf ? ` as of ${when(Date.parse(state.asOf))}` : "";
  let line = `${state.view} of ${answer.root.label}${at}: ${total} nodes, ${answer.edges.length} edges.`;
  if (answer.served) {
    const now = answer.served.filter((s) => s.until == null || (state.asOf && s.until > Date.parse(state.asOf)));
    const shown = now.length ? now : answer.served;
    line += shown.length ? ` Serves ${shown.map((s) => s.version.label).join(", ")} since ${when(shown[0].since)}.` : " Serves nothing.";
  }
  say(line);
  return undefined;
}

function summarize(answer) {
  const box = $("impact-summary");
  const byKind = new Map();
  for (const n of answer.nodes) {
    if (!byKind.has(n.kind)) byKind.set(n.kind, []);
    byKind.get(n.kind).push(n);
  }
  const counts = new Map((answer.counts ?? [...byKind].map(([kind, list]) => ({ kind, count: list.length }))).map((c) => [c.kind, c.count]));
  const title = state.view === "impact" ? `Affected by ${answer.root.label}` : `In this ${state.view}`;
  const sections = [];
  for (const kind of KIND_ORDER) {
    const list = byKind.get(kind) ?? [];
    if (!counts.get(kind) && !list.length) continue;
    const heading = document.createElement("h3");
    heading.textContent = `${KINDS[kind].name}s: ${counts.get(kind) ?? list.length}`;
    const ul = document.createElement("ul");
    for (const n of list.slice(0, LIST_MAX)) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "node-link";
      button.dataset.id = n.id;
      button.textContent = isRestricted(n) ? `restricted (distance ${n.distance})` : [n.label, n.stage, n.executionType?.toLowerCase(), n.state === "ARCHIVED" ? "ARCHIVED" : null].filter(Boolean).join(" · ");
      button.addEventListener("click", () => select(n.id, { focus: true }));
      li.append(button);
      ul.append(li);
    }
    if (list.length > LIST_MAX) {
      const more = document.createElement("li");
      more.textContent = `… and ${list.length - LIST_MAX} more in the graph`;
      ul.append(more);
    }
    sections.push(heading, ul);
  }
  const h2 = document.createElement("h2");
  h2.textContent = title;
  box.replaceChildren(h2, ...sections);
  box.hidden = false;
}

async function select(id, { focus = false } = {}) {
  graph.select(id);
  const node = current && [current.root, ...current.nodes].find((n) => n.id === id);
  if (state.view === "impact" && node?.path) graph.highlightPath(node.path);
  else graph.highlightPath(null);
  const panel = $("details");
  try {
    await showDetails(panel, id, { onExpand: expand, onOpen: (ref, kind) => navigate({ ref, view: viewForKind(kind) }) });
  } catch (exc) {
    fail(exc);
  }
  if (focus) panel.focus();
}

async function expand(id) {
  const before = graph.nodes.size;
  try {
    const data = await timed("expand", EXPAND, { ref: id, asOf: asOfMillis(state) });
    await graph.merge(data.lineage);
    if (current) {
      const known = new Set([current.root.id, ...current.nodes.map((n) => n.id)]);
      current = { ...current, nodes: [...current.nodes, ...data.lineage.nodes.filter((n) => !known.has(n.id))] };
    }
    say(`Expanded: ${graph.nodes.size - before} more nodes.`);
  } catch (exc) {
    fail(exc);
  }
}

function setDiff(title, diff, a, b) {
  const section = document.createElement("section");
  const h = document.createElement("h3");
  h.textContent = title;
  const grid = document.createElement("div");
  grid.className = "diff-columns";
  for (const [label, items] of [[`only in ${a}`, diff.removed], ["in both", diff.common], [`only in ${b}`, diff.added]]) {
    const col = document.createElement("div");
    const h4 = document.createElement("h4");
    h4.textContent = label;
    const ul = document.createElement("ul");
    for (const item of items) {
      const li = document.createElement("li");
      li.textContent = item;
      ul.append(li);
    }
    col.append(h4, ul);
    grid.append(col);
  }
  section.append(h, grid);
  return section;
}

function changes(title, list, a, b) {
  const section = document.createElement("section");
  const h = document.createElement("h3");
  h.textContent = title;
  const tableEl = document.createElement("table");
  const head = tableEl.createTHead().insertRow();
  for (const label of ["key", a, b, "change"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    head.append(th);
  }
  const body = tableEl.createTBody();
  for (const c of list) {
    const row = body.insertRow();
    row.className = `change-${c.change.toLowerCase()}`;
    for (const value of [c.key, shown(c.a), shown(c.b), c.change]) row.insertCell().textContent = value;
  }
  section.append(h, list.length ? tableEl : document.createTextNode("no differences"));
  return section;
}

async function renderDiff() {
  $("welcome").hidden = true;
  const box = $("diff");
  if (!state.a || !state.b) {
    box.replaceChildren(document.createTextNode("Name two versions (model:version) to compare."));
    return;
  }
  say(`Comparing ${state.a} with ${state.b}…`);
  try {
    const { diff } = await timed("diff", DIFF, { a: state.a, b: state.b });
    const a = diff.versionA.label;
    const b = diff.versionB.label;
    const h2 = document.createElement("h2");
    h2.textContent = `${a} ↔ ${b}`;
    box.replaceChildren(h2,
      setDiff("Datasets", diff.datasets, a, b), setDiff("Dataset versions", diff.datasetVersions, a, b),
      setDiff("Runs", diff.executions, a, b), setDiff("Libraries", diff.libraries, a, b),
      changes("Hyperparameters", diff.hyperparameters, a, b), changes("Metrics", diff.metrics, a, b),
      changes("Environment", diff.environment, a, b));
    say(`Diff of ${a} and ${b}.`);
  } catch (exc) {
    fail(exc);
  }
}

// Type-ahead search: a combobox with a listbox (arrow keys, Enter, Escape).
function setUpSearch() {
  const input = $("search-input");
  const list = $("search-results");
  let hits = [];
  let active = -1;
  let timer = null;
  let generation = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = () => {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) input.setAttribute("aria-activedescendant", list.children[active].id);
  };
  const open = (hit) => {
    close();
    input.value = "";
    navigate({ ref: refForHit(hit), view: viewForKind(hit.kind), first: 1000 });
  };
  const show = () => {
    list.replaceChildren(...hits.map((hit, i) => {
      const li = document.createElement("li");
      li.id = `search-hit-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const kind = document.createElement("span");
      kind.className = "hit-kind";
      kind.textContent = KINDS[hit.kind]?.name ?? hit.kind;
      li.append(document.createTextNode(hit.label), kind);
      if (hit.state === "ARCHIVED") li.classList.add("archived");
      li.addEventListener("mousedown", (evt) => {
        evt.preventDefault();
        open(hit);
      });
      return li;
    }));
    if (!hits.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No match";
      list.append(li);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = hits.length ? 0 : -1;
    mark();
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) return close();
    timer = setTimeout(async () => {
      const mine = ++generation;
      try {
        const data = await timed("search", SEARCH, { q });
        if (mine !== generation) return;
        hits = data.search;
        show();
      } catch (exc) {
        fail(exc);
      }
    }, 120);
    return undefined;
  });
  input.addEventListener("keydown", (evt) => {
    if (evt.key === "ArrowDown" && hits.length) {
      evt.preventDefault();
      active = (active + 1) % hits.length;
      mark();
    } else if (evt.key === "ArrowUp" && hits.length) {
      evt.preventDefault();
      active = (active - 1 + hits.length) % hits.length;
      mark();
    } else if (evt.key === "Enter" && active >= 0 && !list.hidden) {
      evt.preventDefault();
      open(hits[active]);
    } else if (evt.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function exportName(ext) {
  return `modelgraph-${state.view}-${(state.ref || "graph").replace(/[^\w.-]+/g, "_")}.${ext}`;
}

function setUpSignIn() {
  const button = $("sign-in");
  const dialog = $("sign-in-dialog");
  const label = () => { button.textContent = token() ? "Signed in" : "Sign in"; };
  label();
  button.addEventListener("click", () => {
    $("token-input").value = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "save") setToken($("token-input").value.trim());
    if (dialog.returnValue === "signout") setToken(null);
    label();
    if (dialog.returnValue !== "cancel") render();
  });
}

function setUpLegend() {
  const legend = $("legend");
  for (const [kind, look] of Object.entries(KINDS)) {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = look.color;
    item.append(swatch, document.createTextNode(look.name));
    item.dataset.kind = kind;
    legend.append(item);
  }
  for (const [cls, text] of [["serving", "serving now"], ["archived", "archived"], ["restricted", "restricted"], ["group", "collapsed steps"]]) {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.className = cls;
    item.append(swatch, document.createTextNode(text));
    legend.append(item);
  }
}

function setUpControls() {
  $("controls").addEventListener("submit", (evt) => {
    evt.preventDefault();
    readControls();
    navigate({ first: 1000 });
  });
  for (const id of ["view", "direction", "live-only", "as-of"]) {
    $(id).addEventListener("change", () => {
      readControls();
      if (state.view !== "diff" || (state.a && state.b)) navigate({});
      else writeControls();
    });
  }
  $("as-of-now").addEventListener("click", () => {
    $("as-of").value = "";
    readControls();
    navigate({});
  });
  $("go-further").addEventListener("click", () => {
    navigate({ depth: Math.min(50, state.depth * 2), first: Math.min(5000, state.first * 2) });
  });
  $("share").addEventListener("click", async () => {
    const url = new URL(toUrl(state), location.origin).toString();
    try {
      await navigator.clipboard.writeText(url);
      say(`Link copied: ${url}`);
    } catch {
      say(`Link: ${url}`);
    }
  });
  $("export-png").addEventListener("click", async () => download(await graph.png(), exportName("png")));
  $("export-svg").addEventListener("click", () => download(graph.svg(), exportName("svg")));
  $("export-json").addEventListener("click", () => download(graph.json(state), exportName("json")));
  window.addEventListener("popstate", () => {
    state = fromUrl();
    writeControls();
    render();
  });
}

setUpLegend();
setUpSearch();
setUpSignIn();
setUpControls();
writeControls();
render();
