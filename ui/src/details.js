// The details panel: one request per selected node, every metadata family the API has.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { gql } from "./api.js";

const DETAILS = `
fragment TV on TypedValue { key type stringValue intValue floatValue boolValue jsonValue }
query Details($id: ID!) {
  node(id: $id) {
    __typename id kind name state description tags author updatedBy createdAt updatedAt externalId
    customProperties { ...TV }
    metadata { ...TV }
    ... on RegisteredModel { owner framework modelType modelAliases: aliases { alias since by version { name } } }
    ... on ModelVersion {
      framework frameworkVersion modelType stage vcsCommit vcsRepoUrl modelSizeBytes
      inferenceLatencyMs trainingTimeMs model { name } aliases
      metrics { key value } metricHistory { key value step timestamp }
      stageHistory { fromStage toStage by at comment }
      approvals { stage by at comment }
      deploymentHistory { since until by deployment { name } }
    }
    ... on Execution {
      type runStatus: status startTime endTime tuningMethod vcsCommit libraries
      hyperparameters { ...TV } metrics { key value } metricHistory { key value step timestamp }
      environment { key value }
    }
    ... on DatasetVersion { uri format rows bytes digest dataset { name } features { name type importance } }
    ... on Deployment {
      deploymentStatus: status endpoint runtime minReplicas maxReplicas autoscaling monitoringLinks inferenceLatencyMs
      servingEnvironment { name }
      deploymentHistory { since until by version { name model { name } } }
    }
    ... on ModelArtifact { uri modelFormatName sizeBytes }
  }
}`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function when(ms) {
  return ms == null ? "—" : new Date(ms).toISOString().replace("T", " ").replace(".000Z", "Z");
}

function typed(v) {
  switch (v.type) {
    case "INT": return [String(v.intValue), "int"];
    case "FLOAT": return [String(v.floatValue), "float"];
    case "BOOL": return [String(v.boolValue), "bool"];
    case "JSON": return [JSON.stringify(v.jsonValue), "json"];
    default: return [v.stringValue ?? "", "string"];
  }
}

function table(caption, headers, rows) {
  if (!rows.length) return null;
  return el("table", {},
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => (i === 0 ? el("th", { scope: "row" }, c) : el("td", {}, c)))))));
}

function typedTable(caption, values) {
  return table(caption, ["key", "value", "type"], (values ?? []).map((v) => [v.key, ...typed(v)]));
}

function facts(entity) {
  const pairs = [
    ["kind", entity.kind], ["state", entity.state], ["stage", entity.stage], ["type", entity.type],
    ["status", entity.runStatus ?? entity.deploymentStatus], ["model", entity.model?.name], ["dataset", entity.dataset?.name],
    ["owner", entity.owner], ["author", entity.author], ["updated by", entity.updatedBy],
    ["framework", [entity.framework, entity.frameworkVersion].filter(Boolean).join(" ") || null],
    ["model type", entity.modelType], ["tuning", entity.tuningMethod], ["commit", entity.vcsCommit],
    ["repository", entity.vcsRepoUrl], ["uri", entity.uri], ["format", entity.format ?? entity.modelFormatName],
    ["rows", entity.rows], ["bytes", entity.bytes ?? entity.sizeBytes ?? entity.modelSizeBytes],
    ["digest", entity.digest], ["training time (ms)", entity.trainingTimeMs],
    ["inference latency (ms)", entity.inferenceLatencyMs], ["endpoint", entity.endpoint],
    ["runtime", entity.runtime], ["environment", entity.servingEnvironment?.name],
    ["replicas", entity.minReplicas != null ? `${entity.minReplicas}–${entity.maxReplicas}${entity.autoscaling ? " (autoscaling)" : ""}` : null],
    ["started", entity.startTime != null ? when(entity.startTime) : null],
    ["ended", entity.endTime != null ? when(entity.endTime) : null],
    ["created", when(entity.createdAt)], ["updated", when(entity.updatedAt)],
    ["external id", entity.externalId],
    ["tags", entity.tags?.length ? entity.tags.join(", ") : null],
    ["aliases", entity.aliases?.length ? entity.aliases.join(", ") : null],
    ["libraries", entity.libraries?.length ? entity.libraries.join(", ") : null],
  ].filter(([, v]) => v != null && v !== "");
  return el("dl", { class: "facts" }, pairs.map(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
}

// One small line chart per metric key with a step history (training curves).
function curves(history) {
  const byKey = new Map();
  for (const p of history ?? []) {
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key).push(p);
  }
  const box = el("div", { class: "curves" });
  for (const [key, points] of byKey) {
    if (points.length < 2) continue;
    points.sort((a, b) => (a.step ?? a.timestamp ?? 0) - (b.step ?? b.timestamp ?? 0));
    const xs = points.map((p, i) => p.step ?? i);
    const ys = points.map((p) => p.value);
    const figure = el("figure", { class: "curve" }, el("figcaption", {}, `${key} by step`));
    box.append(figure);
    requestAnimationFrame(() => {
      const chart = new uPlot({
        width: 300, height: 140, legend: { show: false },
        scales: { x: { time: false } },
        axes: [{ stroke: "#374151" }, { stroke: "#374151", size: 50 }],
        series: [{ label: "step" }, { label: key, stroke: "#2563eb", width: 2, points: { size: 5 } }],
      }, [xs, ys], figure);
      chart.root.setAttribute("role", "img");
      chart.root.setAttribute("aria-label", `${key}: ${ys.join(", ")} at steps ${xs.join(", ")}`);
    });
  }
  return box.childElementCount ? [el("h3", {}, "Metric curves"), box] : null;
}

export async function showDetails(panel, id, { onExpand, onOpen }) {
  panel.replaceChildren(el("p", { class: "muted" }, "Loading…"));
  const data = await gql(DETAILS, { id });
  const n = data.node;
  if (!n) {
    panel.replaceChildren(el("p", {}, "This node is restricted or no longer exists."));
    return;
  }
  const title = n.model ? `${n.model.name}:${n.name}` : n.dataset ? `${n.dataset.name}:${n.name}` : n.name;
  const ref = n.kind === "Deployment" && n.servingEnvironment ? `${n.servingEnvironment.name}/${n.name}` : n.id;
  const expand = el("button", { type: "button", class: "expand" }, "Expand neighbours");
  expand.addEventListener("click", () => onExpand(n.id));
  const open = el("button", { type: "button" }, "Open lineage from here");
  open.addEventListener("click", () => onOpen(ref, n.kind));
  const parts = [
    el("h2", { id: "details-title" }, title),
    n.description ? el("p", {}, n.description) : null,
    el("div", { class: "actions" }, expand, open),
    facts(n),
    typedTable("Hyperparameters", n.hyperparameters),
    table("Metrics (latest)", ["key", "value"], (n.metrics ?? []).map((m) => [m.key, String(m.value)])),
    curves(n.metricHistory),
    table("Environment", ["key", "value"], (n.environment ?? []).map((e) => [e.key, e.value])),
    table("Features", ["name", "type", "importance"], (n.features ?? []).map((f) => [f.name, f.type ?? "", f.importance ?? ""])),
    typedTable("Custom properties", n.customProperties),
    typedTable("Metadata", n.metadata),
    table("Stage history", ["to", "from", "by", "when", "comment"], (n.stageHistory ?? []).map((s) => [s.toStage, s.fromStage, s.by, when(s.at), s.comment ?? ""])),
    table("Approvals", ["stage", "by", "when", "comment"], (n.approvals ?? []).map((a) => [a.stage, a.by, when(a.at), a.comment ?? ""])),
    table("Aliases", ["alias", "version", "since", "by"], (n.modelAliases ?? []).map((a) => [a.alias, a.version?.name ?? "", when(a.since), a.by ?? ""])),
    table("Deployment history", ["version / deployment", "since", "until", "by"], (n.deploymentHistory ?? []).map((d) => [
      d.deployment ? d.deployment.name : `${d.version?.model?.name ?? ""}:${d.version?.name ?? ""}`,
      when(d.since), d.until == null ? "serving" : when(d.until), d.by ?? ""])),
    n.monitoringLinks?.length ? el("p", {}, "Monitoring: ", n.monitoringLinks.map((u) => [el("a", { href: u, rel: "noopener" }, u), " "])) : null,
  ];
  panel.replaceChildren(...parts.flat(Infinity).filter((part) => part != null));
}
