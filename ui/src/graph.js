// The lineage drawing: Cytoscape.js with the dagre layered layout (left to right, data-flow order).
import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
import svg from "cytoscape-svg";

cytoscape.use(dagre);
cytoscape.use(svg);

// Shape and colour by kind; the legend is drawn from this table too.
export const KINDS = {
  RegisteredModel: { shape: "round-rectangle", color: "#6d28d9", name: "Model" },
  ModelVersion: { shape: "round-rectangle", color: "#7c3aed", name: "Model version" },
  ModelArtifact: { shape: "round-tag", color: "#a16207", name: "Model artifact" },
  DocArtifact: { shape: "round-tag", color: "#854d0e", name: "Doc artifact" },
  Dataset: { shape: "barrel", color: "#075985", name: "Dataset" },
  DatasetVersion: { shape: "barrel", color: "#0369a1", name: "Dataset version" },
  Execution: { shape: "round-hexagon", color: "#c2410c", name: "Run" },
  Experiment: { shape: "round-octagon", color: "#4b5563", name: "Experiment" },
  ServingEnvironment: { shape: "rectangle", color: "#065f46", name: "Serving environment" },
  Deployment: { shape: "round-diamond", color: "#047857", name: "Deployment" },
};
const LINEAGE_EDGES = new Set(["CONSUMED_BY", "PRODUCED", "DEPLOYED_AS"]);
const CHAIN_KINDS = new Set(["Execution", "DatasetVersion"]);
const CHAIN_STEP_TYPES = new Set(["PREPROCESSING", "FEATURE_ENGINEERING", "OTHER", null, undefined]);
export const COLLAPSE_MIN = 5; // a run of this many single-in/single-out steps becomes one group
// Layout by size: dagre (crossing minimisation) is the nicest but superlinear — ~1 s at 300 nodes
// on this class of machine; cytoscape's breadthfirst handles the middle; above LAYERED_MIN the
// nodes are placed by their BFS layer in one linear pass and labels wait for the zoom.
const DAGRE_MAX = 300;
export const LAYERED_MIN = 1500;

// A node that comes back restricted carries only its kind and distance: draw exactly that.
export function isRestricted(node) {
  return node.restricted === true || node.name == null;
}

function sublabel(node) {
  const parts = [];
  if (node.stage) parts.push(node.stage);
  if (node.executionType) parts.push(node.executionType.toLowerCase().replace("_", " "));
  if (node.kind === "Deployment" && node.status) parts.push(node.status);
  parts.push(node.state ?? "LIVE");
  return parts.join(" · ");
}

function nodeElement(node, serving, rootId) {
  const kind = KINDS[node.kind] ?? KINDS.Execution;
  const restricted = isRestricted(node);
  const label = restricted
    ? `restricted ${kind.name.toLowerCase()}\ndistance ${node.distance ?? "?"}`
    : `${node.label ?? node.name}\n${sublabel(node)}`;
  const classes = [restricted ? "restricted" : "", node.state === "ARCHIVED" ? "archived" : "",
    serving.has(node.id) ? "serving" : "", node.id === rootId ? "root" : ""].filter(Boolean);
  return {
    group: "nodes",
    data: { id: node.id, kind: node.kind, label, color: kind.color, shape: kind.shape },
    classes: classes.join(" "),
  };
}

// Deployments with an open DEPLOYED_AS edge (no `until`) are serving now (or at asOf).
export function servingNow(edges) {
  return new Set(edges.filter((e) => e.type === "DEPLOYED_AS" && e.until == null).map((e) => e.target));
}

// Maximal runs of preprocessing steps (one lineage edge in, one out) of COLLAPSE_MIN or more nodes.
export function collapsibleChains(nodes, edges, keep) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ins = new Map();
  const outs = new Map();
  for (const e of edges) {
    if (!LINEAGE_EDGES.has(e.type)) continue;
    (outs.get(e.source) ?? outs.set(e.source, []).get(e.source)).push(e.target);
    (ins.get(e.target) ?? ins.set(e.target, []).get(e.target)).push(e.source);
  }
  const candidate = (id) => {
    const n = byId.get(id);
    return n && !keep.has(id) && !isRestricted(n) && CHAIN_KINDS.has(n.kind)
      && (n.kind !== "Execution" || CHAIN_STEP_TYPES.has(n.executionType))
      && (ins.get(id)?.length ?? 0) === 1 && (outs.get(id)?.length ?? 0) === 1;
  };
  const chains = [];
  for (const n of nodes) {
    if (!candidate(n.id) || candidate(ins.get(n.id)[0])) continue;
    const chain = [n.id];
    let next = outs.get(n.id)[0];
    while (candidate(next) && !chain.includes(next)) {
      chain.push(next);
      next = outs.get(next)[0];
    }
    if (chain.length >= COLLAPSE_MIN) chains.push(chain);
  }
  return chains;
}

// Columns by hop layer (sources left, as the data flows) and rows by the mean row of the
// already-placed neighbours, so a fan-out stays next to its parent: one pass over nodes and edges.
export function layeredPositions(ids, edges, rootId) {
  const layer = new Map([[rootId, 0]]);
  const next = new Map(ids.map((id) => [id, []]));
  for (const e of edges) {
    next.get(e.source)?.push([e.target, 1]);
    next.get(e.target)?.push([e.source, -1]);
  }
  const queue = [rootId];
  for (let i = 0; i < queue.length; i += 1) {
    const id = queue[i];
    for (const [other, step] of next.get(id) ?? []) {
      if (layer.has(other)) continue;
      layer.set(other, layer.get(id) + step);
      queue.push(other);
    }
  }
  for (const id of ids) if (!layer.has(id)) { layer.set(id, 0); queue.push(id); }
  const row = new Map();
  const rows = new Map();
  const columns = new Map();
  for (const id of queue) {
    const l = layer.get(id);
    const placed = (next.get(id) ?? []).filter(([o]) => row.has(o) && layer.get(o) !== l).map(([o]) => row.get(o));
    const wanted = placed.length ? placed.reduce((a, b) => a + b, 0) / placed.length : 0;
    const r = Math.max(wanted, rows.get(l) ?? 0);
    row.set(id, r);
    rows.set(l, r + 1);
    columns.set(id, l);
  }
  const positions = new Map();
  for (const id of ids) positions.set(id, { x: columns.get(id) * 260, y: row.get(id) * 42 });
  return positions;
}

export class LineageGraph {
  constructor(container, { onSelect, onExpand, onGroup, onFocus = () => {} }) {
    this.nodes = new Map();
    this.edges = new Map();
    this.rootId = null;
    this.expandedGroups = new Set();
    this.onSelect = onSelect;
    this.cy = cytoscape({
      container,
      minZoom: 0.02,
      maxZoom: 3,
      boxSelectionEnabled: false,
      // Pan and zoom a large drawing as a bitmap; one device pixel per CSS pixel keeps frames cheap.
      textureOnViewport: true,
      pixelRatio: 1,
      style: this.style(),
    });
    this.cy.on("tap", "node", (evt) => {
      const id = evt.target.id();
      if (evt.target.hasClass("group")) onGroup(id);
      else onSelect(id);
    });
    this.cy.on("dbltap", "node", (evt) => {
      if (!evt.target.hasClass("group")) onExpand(evt.target.id());
    });
    this.groups = new Map();
    this.keyboard(container, { onSelect, onExpand, onGroup, onFocus });
  }

  // The canvas is one tab stop: arrows walk the drawing (right = downstream, left = upstream,
  // up/down = the neighbours in the same column), Enter opens details or a group, E expands,
  // + / - zoom, 0 fits. The focused node is announced through onFocus (a live region).
  keyboard(container, { onSelect, onExpand, onGroup, onFocus }) {
    container.tabIndex = 0;
    container.setAttribute("role", "group");
    container.setAttribute("aria-roledescription", "lineage graph");
    container.setAttribute("aria-label", "Lineage graph. Arrow keys move between nodes, Enter opens details, E expands neighbours, plus and minus zoom, 0 fits.");
    container.addEventListener("keydown", (evt) => {
      const current = this.cy.$("node:selected").first();
      const at = current.nonempty() ? current : this.cy.getElementById(this.rootId);
      if (at.empty()) return;
      let target = null;
      if (evt.key === "ArrowRight") target = at.outgoers("node").first();
      else if (evt.key === "ArrowLeft") target = at.incomers("node").first();
      else if (evt.key === "ArrowDown" || evt.key === "ArrowUp") target = this.columnNeighbour(at, evt.key === "ArrowDown" ? 1 : -1);
      else if (evt.key === "Enter" || evt.key === " ") {
        if (at.hasClass("group")) onGroup(at.id());
        else onSelect(at.id());
      } else if (evt.key === "e" || evt.key === "E") {
        if (!at.hasClass("group")) onExpand(at.id());
      } else if (evt.key === "+" || evt.key === "=" || evt.key === "-") {
        const factor = evt.key === "-" ? 1 / 1.25 : 1.25;
        this.cy.zoom({ level: this.cy.zoom() * factor, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
      } else if (evt.key === "0") this.cy.fit(undefined, 30);
      else return;
      evt.preventDefault();
      if (target === null) return;
      const next = target.nonempty() ? target : at;
      this.cy.$(":selected").unselect();
      next.select();
      if (!this.visible(next)) this.cy.center(next);
      onFocus(next.id(), next.data("label"));
    });
  }

  columnNeighbour(node, step) {
    const x = node.position("x");
    const column = this.cy.nodes().filter((n) => Math.abs(n.position("x") - x) < 1).sort((a, b) => a.position("y") - b.position("y"));
    const i = column.indexOf(node);
    return column[i + step] ? this.cy.collection(column[i + step]) : this.cy.collection();
  }

  visible(node) {
    const box = node.renderedBoundingBox();
    return box.x1 >= 0 && box.y1 >= 0 && box.x2 <= this.cy.width() && box.y2 <= this.cy.height();
  }

  style() {
    return [
      { selector: "node", style: {
        shape: "data(shape)", "background-color": "data(color)", label: "data(label)",
        color: "#111827", "font-size": 11, "text-wrap": "wrap", "text-max-width": 140,
        "text-valign": "bottom", "text-margin-y": 4, width: 34, height: 26,
        "border-width": 1, "border-color": "#1f2937", "min-zoomed-font-size": 7,
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1,
      } },
      { selector: "node.root", style: { "border-width": 3, "border-color": "#111827" } },
      { selector: "node.archived", style: { opacity: 0.6, "border-style": "dashed" } },
      { selector: "node.serving", style: {
        "border-width": 4, "border-color": "#eab308", "underlay-color": "#fde047",
        "underlay-opacity": 0.6, "underlay-padding": 6,
      } },
      { selector: "node.restricted", style: {
        "background-color": "#e5e7eb", "border-style": "dashed", "border-color": "#6b7280",
        "border-width": 2, color: "#374151", "font-style": "italic",
      } },
      { selector: "node.group", style: {
        shape: "round-rectangle", "background-color": "#fed7aa", "border-style": "dashed",
        "border-color": "#c2410c", "border-width": 2, width: 60, height: 30,
      } },
      { selector: "node:selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.25, "overlay-padding": 6 } },
      { selector: "edge", style: {
        width: 1.5, "line-color": "#9ca3af", "target-arrow-color": "#9ca3af",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "arrow-scale": 0.8,
      } },
      { selector: "edge.structural", style: { "line-style": "dotted" } },
      { selector: "edge.deployed", style: { "line-color": "#047857", "target-arrow-color": "#047857" } },
      { selector: "edge.history", style: { "line-style": "dashed", opacity: 0.6 } },
      { selector: ".path", style: {
        "line-color": "#dc2626", "target-arrow-color": "#dc2626", width: 4,
        "border-color": "#dc2626", "border-width": 4, "z-index": 10,
      } },
      { selector: ".faded", style: { opacity: 0.25 } },
      // Large drawings: straight edges and no labels until zoomed in far enough to read them.
      { selector: "node.large", style: { "min-zoomed-font-size": 14, "text-background-opacity": 0, "text-wrap": "none" } },
      { selector: "edge.large", style: { "curve-style": "haystack", "haystack-radius": 0, "target-arrow-shape": "none" } },
    ];
  }

  clear() {
    this.nodes.clear();
    this.edges.clear();
    this.expandedGroups.clear();
    this.cy.elements().remove();
  }

  // Replace the drawing with one GraphQL answer ({root, nodes, edges}).
  show(answer) {
    this.clear();
    this.rootId = answer.root.id;
    this.merge(answer);
  }

  // Add an answer's nodes and edges to what is drawn (lazy expansion), then lay out again.
  merge(answer) {
    for (const n of [answer.root, ...answer.nodes]) {
      if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
    }
    for (const e of answer.edges) this.edges.set(`${e.source}>${e.type}>${e.target}`, e);
    return this.draw();
  }

  expandGroup(id) {
    this.expandedGroups.add(id);
    return this.draw();
  }

  draw() {
    const nodes = [...this.nodes.values()];
    const edges = [...this.edges.values()];
    const serving = servingNow(edges);
    const keep = new Set([this.rootId, ...serving]);
    const hiddenBy = new Map();
    this.groups.clear();
    for (const chain of collapsibleChains(nodes, edges, keep)) {
      const gid = `group:${chain[0]}`;
      if (this.expandedGroups.has(gid)) continue;
      this.groups.set(gid, chain);
      for (const id of chain) hiddenBy.set(id, gid);
    }
    const elements = [];
    for (const n of nodes) if (!hiddenBy.has(n.id)) elements.push(nodeElement(n, serving, this.rootId));
    for (const [gid, chain] of this.groups) {
      elements.push({ group: "nodes", data: { id: gid, label: `${chain.length} preprocessing steps\n(click to expand)`, color: "#fed7aa", shape: "round-rectangle" }, classes: "group" });
    }
    const seen = new Set();
    for (const e of edges) {
      const source = hiddenBy.get(e.source) ?? e.source;
      const target = hiddenBy.get(e.target) ?? e.target;
      const key = `${source}>${e.type}>${target}`;
      if (source === target || seen.has(key) || !this.nodes.has(e.source) || !this.nodes.has(e.target)) continue;
      seen.add(key);
      const classes = [e.type === "HAS_VERSION" ? "structural" : "", e.type === "DEPLOYED_AS" ? "deployed" : "",
        e.type === "DEPLOYED_AS" && e.until != null ? "history" : ""].filter(Boolean).join(" ");
      elements.push({ group: "edges", data: { id: key, source, target, type: e.type }, classes });
    }
    const count = elements.filter((el) => el.group === "nodes").length;
    const large = count >= LAYERED_MIN;
    if (large) {
      const ids = elements.filter((el) => el.group === "nodes").map((el) => el.data.id);
      const positions = layeredPositions(ids, elements.filter((el) => el.group === "edges").map((el) => el.data), this.rootId);
      for (const el of elements) {
        el.classes = `${el.classes ?? ""} large`;
        if (el.group === "nodes") el.position = positions.get(el.data.id);
      }
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    if (large) {
      this.fitPositions([...elements.filter((el) => el.group === "nodes").map((el) => el.position)]);
      return this.painted();
    }
    return this.layout(count > DAGRE_MAX).then(() => this.painted());
  }

  layout(middle) {
    const options = middle
      // Layered by hop count from the root, columns left to right (the transform turns rows into columns).
      ? { name: "breadthfirst", directed: true, roots: this.cy.getElementById(this.rootId), spacingFactor: 0.6,
          avoidOverlap: false, transform: (_node, pos) => ({ x: pos.y, y: pos.x }), animate: false }
      : { name: "dagre", rankDir: "LR", nodeSep: 40, rankSep: 150, edgeSep: 10, animate: false };
    return new Promise((resolve) => {
      const layout = this.cy.layout({ ...options, fit: true, padding: 30 });
      layout.one("layoutstop", () => resolve());
      layout.run();
    });
  }

  // cy.fit() would measure every label for the bounding box; the positions alone are enough here.
  fitPositions(points, padding = 30) {
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs) - 40, Math.max(...xs) + 40, Math.min(...ys) - 30, Math.max(...ys) + 30];
    const zoom = Math.max(this.cy.minZoom(), Math.min(this.cy.maxZoom(),
      (this.cy.width() - 2 * padding) / (x1 - x0), (this.cy.height() - 2 * padding) / (y1 - y0)));
    this.cy.viewport({ zoom, pan: { x: (this.cy.width() - zoom * (x0 + x1)) / 2, y: (this.cy.height() - zoom * (y0 + y1)) / 2 } });
  }

  // Resolves once the browser has painted the new drawing ("drawn" means on screen, not queued).
  painted() {
    return new Promise((resolve) => {
      this.cy.one("render", () => requestAnimationFrame(() => resolve()));
      this.cy.forceRender();
    });
  }

  select(id) {
    this.cy.$(":selected").unselect();
    const el = this.cy.getElementById(id);
    if (el.nonempty()) el.select();
  }

  // Highlight one path (node ids, root first): its nodes and the edges between consecutive ids.
  highlightPath(ids) {
    this.cy.elements().removeClass("path faded");
    if (!ids || ids.length === 0) return;
    const members = this.cy.collection();
    for (let i = 0; i < ids.length; i += 1) {
      members.merge(this.cy.getElementById(ids[i]));
      if (i > 0) {
        members.merge(this.cy.edges().filter((e) =>
          (e.source().id() === ids[i - 1] && e.target().id() === ids[i])
          || (e.source().id() === ids[i] && e.target().id() === ids[i - 1])));
      }
    }
    this.cy.elements().not(members).addClass("faded");
    members.addClass("path");
  }

  isInteractive() {
    return this.cy.nodes().length > 0 && this.cy.userPanningEnabled() && this.cy.nodes().every((n) => Number.isFinite(n.position("x")));
  }

  png() {
    return this.cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 1.5 });
  }

  svg() {
    return new Blob([this.cy.svg({ full: true, bg: "#ffffff" })], { type: "image/svg+xml" });
  }

  json(state) {
    return new Blob([JSON.stringify({ view: state, nodes: [...this.nodes.values()], edges: [...this.edges.values()] }, null, 2)], { type: "application/json" });
  }
}
