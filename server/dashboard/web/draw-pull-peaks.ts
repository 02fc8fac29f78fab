import uPlot from 'uplot';
import { formatValue } from './format-value.js';

/** One peak to mark: where it is (display units) and how it is labelled. */
export interface PeakMark {
  rpm: number;
  value: number;
  unit: string;
  color: string;
}

function drawMarker(u: uPlot, mark: PeakMark, dpr: number): void {
  const ctx = u.ctx;
  const x = u.valToPos(mark.rpm, 'x', true);
  const y = u.valToPos(mark.value, 'y', true);
  ctx.strokeStyle = mark.color;
  ctx.setLineDash([4 * dpr, 4 * dpr]);
  ctx.lineWidth = dpr;
  ctx.beginPath();
  ctx.moveTo(x, y + 6 * dpr);
  ctx.lineTo(x, u.bbox.top + u.bbox.height);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = '#0b0e13';
  ctx.lineWidth = 2 * dpr;
  ctx.beginPath();
  ctx.arc(x, y, 5 * dpr, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
}

function drawLabels(u: uPlot, lines: readonly { text: string; color: string }[], dpr: number): void {
  if (lines.length === 0) return;
  const ctx = u.ctx;
  ctx.font = `700 ${12 * dpr}px "Liberation Sans", "DejaVu Sans", sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  const width = Math.max(0, ...lines.map((l) => ctx.measureText(l.text).width));
  const left = u.bbox.left + 10 * dpr;
  const top = u.bbox.top + 8 * dpr;
  const lineHeight = 18 * dpr;
  ctx.fillStyle = 'rgba(11, 14, 19, 0.8)';
  ctx.fillRect(left - 6 * dpr, top - 4 * dpr, width + 12 * dpr, lines.length * lineHeight + 6 * dpr);
  lines.forEach((line, i) => {
    ctx.fillStyle = line.color;
    ctx.fillText(line.text, left, top + (i + 1) * lineHeight - 5 * dpr);
  });
}

/**
 * Markers on the curves, and the peak figures in a box in the plot's top-left corner, where the curves (which start
 * low at low RPM) never are, so labels cannot collide with each other or with a curve.
 */
export function drawPullPeaks(u: uPlot, marks: readonly PeakMark[]): void {
  const dpr = uPlot.pxRatio;
  u.ctx.save();
  for (const mark of marks) drawMarker(u, mark, dpr);
  drawLabels(
    u,
    marks.map((m) => ({
      text: `Peak ${formatValue(m.value, 1)} ${m.unit} @ ${formatValue(m.rpm, 0)} rpm`,
      color: m.color,
    })),
    dpr,
  );
  u.ctx.restore();
}
