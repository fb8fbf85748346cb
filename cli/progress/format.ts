import { formatDuration } from "../../core/duration-text.ts";
import type { SyncProgress } from "../../core/ports/sync-service.ts";

/** `2,000`: counts as people read them. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** `pulled 2,000 files (2.0 MB)`: a part of a summary line. */
export function filesMoved(verb: string, files: number, bytes: number): string {
  return `${verb} ${formatCount(files)} file${files === 1 ? "" : "s"} (${formatBytes(bytes)})`;
}

/** `Pulled 3 files (1 KB), pushed 1 file (8 B)`: parts joined, the first capitalised. */
export function sentence(parts: readonly string[]): string {
  const text = parts.join(", ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `512 B`, `1.5 KB`, `2.0 MB` (powers of 1,000, as transfer tools print them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `4.1 s` under a minute, then `2 min`: the elapsed time of a summary. */
export function formatElapsed(ms: number): string {
  return ms < 60_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : formatDuration(ms);
}

/** What the bar shows of one phase: where it is and how fast it goes. */
export interface ProgressView extends SyncProgress {
  /** Since this run of the phase started. */
  elapsedMs: number;
}

const PHASE_WORDS: Record<SyncProgress["phase"], string> = {
  index: "reading index",
  download: "downloading",
  upload: "uploading",
  delete: "deleting",
  commit: "committing",
  copy: "copying",
};

/** Items (and bytes) per second so far, and the time left at that pace; null before there is a pace. */
export function rateAndEta(
  view: ProgressView,
): { perSecond: number; bytesPerSecond?: number; etaMs: number } | null {
  if (view.elapsedMs <= 0 || view.done <= 0) return null;
  const seconds = view.elapsedMs / 1000;
  const perSecond = view.done / seconds;
  const bytesPerSecond = view.bytes === undefined ? undefined : view.bytes / seconds;
  const byBytes =
    view.bytesTotal !== undefined && bytesPerSecond !== undefined && bytesPerSecond > 0
      ? ((view.bytesTotal - (view.bytes ?? 0)) / bytesPerSecond) * 1000
      : undefined;
  const etaMs = byBytes ?? ((view.total - view.done) / perSecond) * 1000;
  return {
    perSecond,
    ...(bytesPerSecond === undefined ? {} : { bytesPerSecond }),
    etaMs: Math.max(0, etaMs),
  };
}

/** `[#####-----]` filled to `done / total`. */
export function bar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** `1,234/2,000 files · 1.2 MB/2.0 MB · 310 files/s · 512 KB/s · ETA 3 s`: the figures of one phase. */
export function progressFigures(view: ProgressView): string {
  const parts = [`${formatCount(view.done)}/${formatCount(view.total)} files`];
  if (view.bytes !== undefined) {
    parts.push(
      view.bytesTotal === undefined
        ? formatBytes(view.bytes)
        : `${formatBytes(view.bytes)}/${formatBytes(view.bytesTotal)}`,
    );
  }
  const pace = rateAndEta(view);
  if (pace) {
    parts.push(`${pace.perSecond < 10 ? pace.perSecond.toFixed(1) : formatCount(pace.perSecond)} files/s`);
    if (pace.bytesPerSecond !== undefined) parts.push(`${formatBytes(pace.bytesPerSecond)}/s`);
    if (view.done < view.total) parts.push(`ETA ${formatDuration(pace.etaMs)}`);
  }
  return parts.join(" · ");
}

/** The bar line of a terminal, cut to `columns - 1` so it never wraps. */
export function progressBarLine(view: ProgressView, columns: number): string {
  const pct = view.total > 0 ? Math.floor((view.done / view.total) * 100) : 0;
  const line = `${PHASE_WORDS[view.phase]} ${bar(view.done, view.total, 20)} ${pct}% ${progressFigures(view)}`;
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1));
}

/** A line of `-v` without a terminal: `  downloading: 1,234/2,000 files · …`. */
export function progressLogLine(view: ProgressView): string {
  return `  ${PHASE_WORDS[view.phase]}: ${progressFigures(view)}`;
}
