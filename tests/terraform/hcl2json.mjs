// Prints the reference parse of each .tf file given: one JSON line per file, in order,
// {"file": path, "json": <hcl2json output>} or {"file": path, "error": message}.
// @cdktf/hcl2json runs HashiCorp's own HCL Go parser (hclsyntax) compiled to wasm.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse } = require("@cdktf/hcl2json");

for (const file of process.argv.slice(2)) {
  let line;
  try {
    const json = await parse(file, readFileSync(file, "utf-8"));
    line = { file, json };
  } catch (e) {
    line = { file, error: String(e && e.message ? e.message : e).split("\n")[0] };
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
// The Go runtime inside the wasm keeps the event loop alive.
process.exit(0);
