// Renders the Markdown file named on the command line to HTML on standard
// output, as GitHub renders a step summary: CommonMark with the GFM
// extensions (tables, autolink literals, strikethrough, ...), raw HTML kept
// so that any HTML that got through shows in the output.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import fs from 'node:fs';

const markdown = fs.readFileSync(process.argv[2], 'utf8');
process.stdout.write(micromark(markdown, {
  allowDangerousHtml: true,
  extensions: [gfm()],
  htmlExtensions: [gfmHtml()],
}));
