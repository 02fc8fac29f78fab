import type { Page } from 'playwright-core';

/** What sticks out of the viewport sideways: the page's scroll width, and each element (of `selector`) outside it. */
export function horizontalOverflow(
  page: Page,
  selector = 'canvas, .chart, .tile, .topbar > *, table.heatmap, .panel',
): Promise<{ scrollWidth: number; inner: number; outside: string[] }> {
  return page.evaluate((sel) => {
    const inner = window.innerWidth;
    const outside = Array.from(document.querySelectorAll<HTMLElement>(sel))
      .filter((node) => node.getBoundingClientRect().right > inner + 0.5 || node.getBoundingClientRect().left < -0.5)
      .map(
        (node) => `${node.tagName.toLowerCase()}.${node.className} ${Math.round(node.getBoundingClientRect().right)}`,
      );
    return { scrollWidth: document.documentElement.scrollWidth, inner, outside };
  }, selector);
}
