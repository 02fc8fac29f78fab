import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../../client-sdk/src/cli/escape-control.js';
import { formatTable } from '../../../../client-sdk/src/cli/format-table.js';

describe('escapeControl', () => {
  it('shows C0/C1 controls and backslashes as escapes and keeps other text, U+FFFD included', () => {
    expect(escapeControl('RPM\r\n[INFO] operator token: x')).toBe('RPM\\r\\n[INFO] operator token: x');
    expect(escapeControl('\u001b[2J\u0007\u0000\u007f\u009b')).toBe('\\x1b[2J\\x07\\x00\\x7f\\u009b');
    expect(escapeControl('a\\nb\tc')).toBe('a\\\\nb\\tc');
    expect(escapeControl('Température 1 \ufffd · λ')).toBe('Température 1 \ufffd · λ');
  });

  it('is applied to every table cell, so one row stays one line', () => {
    const table = formatTable(['channel', 'value'], [['Evil\nfake line\u001b[31m', 1]]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).not.toContain('\u001b');
    expect(table).toContain('Evil\\nfake line\\x1b[31m');
  });
});
