import { displayConversion, UNIT_SYSTEMS } from '@jetdrive-hub/client/contract';
import { UNIT_LABELS, UNIT_NAMES } from '../protocol/types.js';

// A unit override names a JetDrive (wire) unit. The API prints each channel's unit as `{ byte, label, name }`
// (4, "kW", "Power"); an override may use any of the three. Labels with non-ASCII characters also have an ASCII
// spelling ("N.m", "degC", "lambda"). Display units of the imperial system (hp, °F, …) are not wire units: JetDrive
// values are SI, so "hp" would read kW values as horsepower. unitByName says which wire unit to use instead.

const ASCII_SPELLINGS: Readonly<Record<string, number>> = {
  nm: 5,
  'n.m': 5,
  'n*m': 5,
  'n-m': 5,
  c: 6,
  degc: 6,
  'deg c': 6,
  lambda: 13,
  'km/h/s': 10,
  none: 255,
};

const fold = (text: string): string => text.trim().toLowerCase();

function buildIndex(): Map<string, number> {
  const index = new Map<string, number>();
  for (const [byte, label] of Object.entries(UNIT_LABELS)) if (label !== '') index.set(fold(label), Number(byte));
  for (const [byte, name] of Object.entries(UNIT_NAMES)) index.set(fold(name), Number(byte));
  for (const [spelling, byte] of Object.entries(ASCII_SPELLINGS)) index.set(spelling, byte);
  return index;
}

const BY_NAME = buildIndex();

/** Display labels that are not wire units ("hp" → 4), so the refusal can say which unit to use. */
function buildDisplayOnly(): Map<string, number> {
  const display = new Map<string, number>();
  for (const byte of Object.keys(UNIT_LABELS).map(Number)) {
    for (const system of UNIT_SYSTEMS) {
      const label = fold(displayConversion(byte, system).label);
      if (label !== '' && !BY_NAME.has(label)) display.set(label, byte);
    }
  }
  return display;
}

const DISPLAY_ONLY = buildDisplayOnly();

export type UnitLookup = { ok: true; unit: number } | { ok: false; message: string };

/** Every accepted name, for error messages: "kPa (Pressure) = 7". */
export function unitChoices(): string {
  return Object.entries(UNIT_NAMES)
    .map(([byte, name]) => `${UNIT_LABELS[Number(byte)] || '""'} (${name}) = ${byte}`)
    .join(', ');
}

/** The JetDrive unit byte a unit label or name ("kPa", "pressure", "N.m") means (case does not matter). */
export function unitByName(text: string): UnitLookup {
  const byte = BY_NAME.get(fold(text));
  if (byte !== undefined) return { ok: true, unit: byte };
  const display = DISPLAY_ONLY.get(fold(text));
  if (display !== undefined) {
    return {
      ok: false,
      message: `"${text}" is a display unit; JetDrive values are SI and the hub converts them for display: use "${UNIT_LABELS[display]}" (${UNIT_NAMES[display]}, ${display})`,
    };
  }
  return {
    ok: false,
    message: `unknown unit "${text}"; use a JetDrive unit byte (0–255) or one of ${unitChoices()}`,
  };
}
