// Parses an AsyncAPI document with the official parser; prints every diagnostic and exits 1 when the
// parser finds errors (severity 0) or produces no document. Usage: node validate.mjs path/to/asyncapi.json
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const path = process.argv[2];
const { document, diagnostics } = await new Parser().parse(readFileSync(path, "utf8"));
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics) {
  console.log(`${["error", "warning", "info", "hint"][d.severity]} ${d.code} at ${d.path.join("/")}: ${d.message}`);
}
if (!document || errors.length) {
  console.log(`${path}: ${errors.length} error(s)${document ? "" : ", no document"}`);
  process.exit(1);
}
console.log(`${path}: valid AsyncAPI ${document.version()}, ${document.channels().length} channels`);
