// The view lives in the URL (ref, view, direction, depth, asOf, filters) so a link reproduces it.
const DEFAULTS = { view: "lineage", ref: "", direction: "UPSTREAM", depth: 10, asOf: "", live: false, a: "", b: "", first: 1000 };
const VIEWS = new Set(["lineage", "trace", "impact", "diff"]);
const DIRECTIONS = new Set(["UPSTREAM", "DOWNSTREAM", "BOTH"]);

export function fromUrl(search = window.location.search) {
  const params = new URLSearchParams(search);
  const state = { ...DEFAULTS };
  if (VIEWS.has(params.get("view"))) state.view = params.get("view");
  if (DIRECTIONS.has(params.get("direction"))) state.direction = params.get("direction");
  state.ref = params.get("ref") ?? "";
  state.a = params.get("a") ?? "";
  state.b = params.get("b") ?? "";
  const depth = Number.parseInt(params.get("depth") ?? "", 10);
  if (depth >= 1 && depth <= 50) state.depth = depth;
  const first = Number.parseInt(params.get("first") ?? "", 10);
  if (first >= 1 && first <= 5000) state.first = first;
  const asOf = params.get("asOf");
  if (asOf && !Number.isNaN(Date.parse(asOf))) state.asOf = new Date(asOf).toISOString();
  state.live = params.get("live") === "1";
  return state;
}

export function toUrl(state) {
  const params = new URLSearchParams();
  params.set("view", state.view);
  if (state.view === "diff") {
    if (state.a) params.set("a", state.a);
    if (state.b) params.set("b", state.b);
  } else {
    if (state.ref) params.set("ref", state.ref);
    if (state.view === "lineage") params.set("direction", state.direction);
    params.set("depth", String(state.depth));
    if (state.first !== DEFAULTS.first) params.set("first", String(state.first));
    if (state.asOf) params.set("asOf", state.asOf);
    if (state.view === "impact" && state.live) params.set("live", "1");
  }
  return `${window.location.pathname}?${params}`;
}

export function asOfMillis(state) {
  return state.asOf ? Date.parse(state.asOf) : null;
}

// <input type="datetime-local"> holds UTC here: "2026-12-02T04:30:15.123" <-> ISO with Z.
export function isoToLocalInput(iso) {
  return iso ? iso.replace("Z", "") : "";
}

export function localInputToIso(value) {
  if (!value) return "";
  const parsed = Date.parse(`${value}Z`);
  return Number.isNaN(parsed) ? "" : new Date(parsed).toISOString();
}
