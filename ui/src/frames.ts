// Watches the main thread: the longest gap between animation frames, and long tasks where the
// engine reports them. The E2E test reads `window.__kysoFrames` during a batch (docs/app.md).

export interface FrameStats {
  maxGapMs: number;
  /** Frames that came more than 100 ms after the one before. */
  gapsOver100: number;
  frames: number;
  longTasks: number;
  longestTaskMs: number;
  /** The longest our own event handlers ran (progress events): the app's share of a gap. */
  longestHandlerMs: number;
}

declare global {
  interface Window {
    __kysoFrames?: FrameStats;
    __kysoReadyMs?: number;
  }
}

export function startFrameMonitor(): FrameStats {
  const stats: FrameStats = { maxGapMs: 0, gapsOver100: 0, frames: 0, longTasks: 0, longestTaskMs: 0, longestHandlerMs: 0 };
  window.__kysoFrames = stats;
  if (typeof requestAnimationFrame !== "function") return stats;
  let last = performance.now();
  const tick = (now: number) => {
    const gap = now - last;
    last = now;
    stats.frames += 1;
    // A hidden window gets no frames; only gaps while visible count.
    if (document.visibilityState === "visible") {
      if (gap > stats.maxGapMs) stats.maxGapMs = gap;
      if (gap > 100) stats.gapsOver100 += 1;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        stats.longTasks += 1;
        stats.longestTaskMs = Math.max(stats.longestTaskMs, entry.duration);
      }
    });
    observer.observe({ type: "longtask", buffered: true });
  } catch {
    // WebKit has no long-task API; the frame gaps still tell.
  }
  return stats;
}

/** Resets the counters, e.g. at the start of a batch. */
export function resetFrameStats(): void {
  const s = window.__kysoFrames;
  if (!s) return;
  s.maxGapMs = 0;
  s.gapsOver100 = 0;
  s.frames = 0;
  s.longTasks = 0;
  s.longestTaskMs = 0;
  s.longestHandlerMs = 0;
}

/** Runs `f` and notes how long it held the main thread. */
export function timed<T>(f: () => T): T {
  const start = performance.now();
  try {
    return f();
  } finally {
    const s = window.__kysoFrames;
    if (s) s.longestHandlerMs = Math.max(s.longestHandlerMs, performance.now() - start);
  }
}
