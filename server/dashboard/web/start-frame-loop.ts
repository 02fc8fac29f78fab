import type { ChannelBrowser } from './create-channel-browser.js';
import type { LiveChart } from './create-live-chart.js';
import type { PullChart } from './create-pull-chart.js';
import type { PullFeed } from './create-pull-feed.js';
import type { PullTracker } from './create-pull-tracker.js';
import type { ReadoutsPanel } from './create-readouts-panel.js';
import { CHART_HZ } from './feed-panels.js';

/** The pull plot redraws a whole curve: a few times a second is plenty (ms between redraws). */
const PULL_RENDER_MS = 200;

export interface FramePanels {
  readouts: ReadoutsPanel;
  chart: LiveChart;
  browser: ChannelBrowser;
  pullChart: PullChart;
}

/**
 * The page's one animation-frame loop: the panels write the DOM here, never per sample. At the chart rate it feeds
 * the pull tracker from the dyno's latest rpm, power, torque (and tps), and redraws the pull plot when a pull changed.
 */
export function startFrameLoop(panels: FramePanels, tracker: PullTracker, pullFeed: PullFeed): void {
  const { readouts, chart, browser, pullChart } = panels;
  let pullDirty = false;
  let lastPullRender = 0;
  let lastTrackAt = 0;
  function frame(): void {
    const now = Date.now();
    readouts.frame(now);
    chart.frame(now);
    browser.frame(now);
    if (now - lastTrackAt >= 1000 / CHART_HZ) {
      lastTrackAt = now;
      const input = pullFeed.point(now);
      if (input && tracker.push(now, input.point, input.tps)) pullDirty = true;
    }
    if (pullDirty && now - lastPullRender > PULL_RENDER_MS) {
      pullDirty = false;
      lastPullRender = now;
      pullChart.show(tracker.current(), tracker.completed + (tracker.current()?.active ? 1 : 0));
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
}
