// The hub's own CSV layouts: a preamble of `#` lines the importer recognises, then an ordinary header row and data,
// so spreadsheet and dyno programs that skip comment lines read them as plain CSV.

export const TIME_EXPORT_MARKER = '# jetdrive-hub time export v1';
export const CURVE_EXPORT_MARKER = '# jetdrive-hub curve export v1';
/** First cell of the preamble row that gives each column's quantity (empty cell: none). */
export const QUANTITY_ROW_MARKER = '#quantity';
/** The fixed step of a time export, like the common dyno programs' exports. */
export const TIME_EXPORT_STEP_MS = 50;

/** "Power (hp)": a column's header from a channel's name and unit (always with the parentheses, even if empty). */
export function columnHeader(name: string, unit: string): string {
  return `${name} (${unit})`;
}

/**
 * The name and unit of a header cell: the balanced "(…)" at its end is the unit, so "Acceleration ((km/h)/s)" has the
 * unit "(km/h)/s"; none, an empty unit.
 */
export function parseColumnHeader(header: string): { name: string; unit: string } {
  const text = header.trim();
  if (!text.endsWith(')')) return { name: text, unit: '' };
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) {
      return { name: text.slice(0, i).trim(), unit: text.slice(i + 1, -1).trim() };
    }
  }
  return { name: text, unit: '' };
}
