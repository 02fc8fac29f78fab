import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Channel and provider names come from an unauthenticated LAN and may hold markup or control characters. The page
// puts them in the DOM as text only; this guards the whole web folder (and uPlot, which the page bundles) against
// any HTML-parsing sink creeping in.

const WEB = fileURLToPath(new URL('../../../server/dashboard/web/', import.meta.url));
const UPLOT = fileURLToPath(new URL('../../../node_modules/uplot/dist/uPlot.esm.js', import.meta.url));
const HTML_SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|DOMParser|document\.write)\b/;

describe('dashboard text rendering', () => {
  it('has no HTML-parsing sink in the page code or in uPlot', async () => {
    const files = (await readdir(WEB)).filter((f) => f.endsWith('.ts')).map((f) => join(WEB, f));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of [...files, UPLOT]) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (HTML_SINKS.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
