import type uPlot from 'uplot';

// Axis styling shared by both charts so they read as one instrument panel on the dark theme.

export const GRID_COLOR = 'rgba(136, 147, 165, 0.12)';
export const AXIS_COLOR = '#8893a5';

export function axis(overrides: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: AXIS_COLOR,
    grid: { stroke: GRID_COLOR, width: 1 },
    ticks: { stroke: GRID_COLOR, width: 1, size: 4 },
    font: '11px "Liberation Sans", "DejaVu Sans", sans-serif',
    labelFont: '600 11px "Liberation Sans", "DejaVu Sans", sans-serif',
    ...overrides,
  };
}

/** Keeps a chart as wide as its container. */
export function fitToContainer(chart: uPlot, container: HTMLElement, height: number): ResizeObserver {
  const observer = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(container.clientWidth));
    if (width !== chart.width) chart.setSize({ width, height });
  });
  observer.observe(container);
  return observer;
}
