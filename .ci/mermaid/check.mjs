// Parses each Mermaid file named on the command line with Mermaid itself
// (jsdom stands in for the browser it expects). Prints "ok FILE TYPE
// config=JSON" (the configuration the diagram's own directives set: {} for
// salint's output) or "FAIL FILE: error" per file; exits 1 if any failed.
import { JSDOM } from 'jsdom';
import fs from 'node:fs';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(fs.readFileSync(file, 'utf8'));
    console.log(`ok ${file} ${result.diagramType} config=${JSON.stringify(result.config ?? {})}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${file}: ${String(e.message || e)}`);
  }
}
process.exit(failed ? 1 : 0);
