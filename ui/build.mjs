// Bundles src/ into dist/: content-hashed JS and CSS under dist/assets, and an index.html that
// references them by name (external files only: the service's CSP allows only 'self').
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(here, "dist");
await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, "assets"), { recursive: true });

const result = await build({
  entryPoints: { app: path.join(here, "src", "main.js") },
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "esm",
  target: ["es2022"],
  outdir: path.join(dist, "assets"),
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const script = outputs.find((name) => name.endsWith(".js"));
const style = outputs.find((name) => name.endsWith(".css"));
const iconSource = await readFile(path.join(here, "src", "favicon.svg"));
const icon = `favicon-${createHash("sha256").update(iconSource).digest("hex").slice(0, 8)}.svg`;
await writeFile(path.join(dist, "assets", icon), iconSource);
const template = await readFile(path.join(here, "src", "index.html"), "utf8");
const page = template
  .replace("%SCRIPT%", `/ui/assets/${script}`)
  .replace("%STYLE%", `/ui/assets/${style}`)
  .replace("%ICON%", `/ui/assets/${icon}`);
await writeFile(path.join(dist, "index.html"), page);
console.log(`built ui/dist: ${script}, ${style}`);
