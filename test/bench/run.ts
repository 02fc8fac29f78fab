// Runner behind `npm run bench`: imports every test/bench/*.bench.ts (or those named on the command line,
// `npm run bench -- codec`), runs each `run()` in turn and prints one table per section. With `--check` it exits
// non-zero when a figure misses its target (targets are ratios to a baseline measured in the same run).
import { readdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkTarget } from './check-target.js';
import type { BenchResult, BenchRun } from './types.js';

// Benchmarks print tables, not the hub's info logs (the logger reads this when a bench first imports it).
process.env.LOG_LEVEL ??= 'warn';

const here = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

const number = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 4 });

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 10_000 ? compact.format(value) : number.format(value);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function printSection(section: string, results: BenchResult[]): void {
  const rows = [['name', 'value', 'baseline', 'ratio', 'target', 'notes']];
  for (const r of results) {
    const verdict = checkTarget(r);
    rows.push([
      r.name,
      `${formatValue(r.value)} ${r.unit}`,
      r.baseline ? `${r.baseline.name}: ${formatValue(r.baseline.value)} ${r.unit}` : '',
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
      r.target === undefined ? '' : `${r.target}${verdict === 'missed' ? ' MISSED' : verdict === 'met' ? ' ok' : ''}`,
      r.notes ?? '',
    ]);
  }
  console.log(`\n== ${section} ==\n${table(rows)}`);
}

function isBenchRun(value: unknown): value is BenchRun {
  return typeof value === 'function';
}

async function main(): Promise<number> {
  // Accept `codec`, `codec.bench.ts` or `test/bench/codec.bench.ts`.
  const wanted = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('-'))
    .map((a) => a.replace(/^.*\//, '').replace(/\.bench\.ts$/, ''));
  const files = (await readdir(here)).filter((f) => f.endsWith(SUFFIX)).sort();
  const selected = wanted.length === 0 ? files : files.filter((f) => wanted.includes(f.slice(0, -SUFFIX.length)));
  const missing = wanted.filter((w) => !files.includes(`${w}${SUFFIX}`));
  if (missing.length > 0) {
    console.error(
      `no benchmark named ${missing.join(', ')}; available: ${files.map((f) => f.slice(0, -SUFFIX.length)).join(', ')}`,
    );
    return 1;
  }

  let failed = 0;
  const missed: string[] = [];
  for (const file of selected) {
    const started = performance.now();
    try {
      const mod: { run?: unknown } = await import(pathToFileURL(join(here, file)).href);
      if (!isBenchRun(mod.run)) throw new Error(`${file} does not export run()`);
      const results = await mod.run();
      const sections = new Map<string, BenchResult[]>();
      for (const r of results) sections.set(r.section, [...(sections.get(r.section) ?? []), r]);
      for (const [section, rows] of sections) printSection(section, rows);
      for (const r of results) if (checkTarget(r) === 'missed') missed.push(`${r.section}: ${r.name} (${r.target})`);
      console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed++;
      console.error(`\n${file} failed:`, error);
    }
  }
  console.log(`\n${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  if (missed.length > 0) console.log(`targets missed:\n  ${missed.join('\n  ')}`);
  if (failed > 0) return 1;
  return process.argv.includes('--check') && missed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
