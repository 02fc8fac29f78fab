import { describe, expect, it } from 'vitest';
import { computeRunCurves, renderRunSheet } from '../../../server/curves/index.js';
import { simRun } from './sim-run-series.js';

const cellText = (html: string, attribute: string) =>
  [...html.matchAll(new RegExp(`<td ${attribute}>([^<]*)</td>`, 'g'))].map((m) => m[1]);

describe('renderRunSheet', () => {
  const { series } = simRun({ atmosphere: { tempC: 30, pressureKpa: 97, humidityPct: 40 } });
  const curves = computeRunCurves(series, { correction: 'sae', smoothing: 2 });
  const html = renderRunSheet({
    run: {
      name: 'Baseline <pull>',
      startedAt: '2026-11-29T23:00:00Z',
      subject: 'm8_114',
      notes: 'new pipe & "tune"\nsecond line',
    },
    curves,
  });

  it('shows the peaks the curves report, smoothed and raw', () => {
    const { smoothed, raw } = curves.peaks;
    expect(cellText(html, 'data-peak="power"')).toEqual([
      `${smoothed.power!.value.toFixed(1)} hp @ ${smoothed.power!.rpm.toFixed(0)} rpm`,
      `${raw.power!.value.toFixed(1)} hp @ ${raw.power!.rpm.toFixed(0)} rpm`,
    ]);
    expect(cellText(html, 'data-peak="torque"')).toEqual([
      `${smoothed.torque!.value.toFixed(1)} ft·lb @ ${smoothed.torque!.rpm.toFixed(0)} rpm`,
      `${raw.torque!.value.toFixed(1)} ft·lb @ ${raw.torque!.rpm.toFixed(0)} rpm`,
    ]);
  });

  it('shows the correction, its factor and the air it came from', () => {
    expect(cellText(html, 'data-correction="sae"')).toEqual([
      `SAE J1349, factor ${curves.correction.factor.toFixed(4)}`,
    ]);
    expect(html).toContain('86.0 °F');
    expect(html).toContain('from the run’s atmospheric probe');
    const noProbe = computeRunCurves(simRun({ withoutProbe: true }).series);
    expect(renderRunSheet({ run: { name: 'x' }, curves: noProbe })).toContain('default air');
  });

  it('draws the curves as inline SVG, one line per series with a point per bin', () => {
    const paths = [...html.matchAll(/<path class="series" data-label="([^"]*)" d="([^"]*)"/g)];
    expect(paths.map((m) => m[1])).toEqual(['Power (hp)', 'Torque (ft·lb)', 'AFR front', 'AFR rear', 'λ front']);
    const points = paths[0][2].split(/[ML]/).filter(Boolean);
    expect(points).toHaveLength(curves.curves.x.length);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('escapes what users typed', () => {
    expect(html).toContain('<h1>Baseline &lt;pull&gt;</h1>');
    expect(html).toContain('new pipe &amp; &quot;tune&quot;\nsecond line');
    expect(html).not.toContain('<pull>');
  });
});
