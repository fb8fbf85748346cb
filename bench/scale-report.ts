// The scale benchmark's figures (bench/scale.ts) with the aims.
import type { Measured } from "./remote-report.ts";
import { formatMs, table } from "./report.ts";

export interface ScaleReport {
  binary: string;
  store: "s3" | "gcs";
  cpus: number;
  loadAverage: { start: number; end: number };
  records: number;
  seeding: { records: number; writeSeconds: number; pushSeconds: number }[];
  /** The whole run, seeding included. */
  elapsedSeconds: number;
  /** Medians of `runs` one-record puts; bytes are PUT bodies (Content-Length) under each prefix. */
  put: {
    runs: number;
    wallMs: number;
    cpuMs: number;
    requests: number;
    indexBytes: number;
    catalogExportBytes: number;
    uploadedBytes: number;
    /** The last put's requests, `METHOD key (bytes)`. */
    log: string[];
  };
  zeroDiff: { runs: number; wallMs: number; cpuMs: number; requests: number };
  pull: Measured & { files: number };
  aims: Record<"putRequests" | "putIndexBytes" | "zeroDiffRequests", { aim: number; met: boolean }>;
}

export function renderScaleReport(r: ScaleReport): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const mark = (met: boolean) => (met ? "✓" : "✗");
  const { put, zeroDiff, pull, aims } = r;
  const rows = [
    [
      `data put, 1 record into ${r.records} (median of ${put.runs})`,
      formatMs(put.wallMs),
      formatMs(put.cpuMs),
      String(put.requests),
      kib(put.indexBytes),
      kib(put.catalogExportBytes),
      `${mark(aims.putRequests.met)} ≤ ${aims.putRequests.aim} requests, ${mark(aims.putIndexBytes.met)} ≤ ${kib(aims.putIndexBytes.aim)} uploaded`,
    ],
    [
      `ds sync, nothing changed, ${r.records} records (median of ${zeroDiff.runs})`,
      formatMs(zeroDiff.wallMs),
      formatMs(zeroDiff.cpuMs),
      String(zeroDiff.requests),
      "",
      "",
      `${mark(aims.zeroDiffRequests.met)} ≤ ${aims.zeroDiffRequests.aim} request`,
    ],
    [
      `fresh clone: ds sync --pull of ${pull.files} files`,
      formatMs(pull.wallMs),
      formatMs(pull.cpuMs),
      String(pull.requests),
      "",
      "",
      "",
    ],
  ];
  const seeding = r.seeding.map(
    (s) =>
      `seeded ${s.records} records: ${s.writeSeconds.toFixed(1)} s writing the files, ${s.pushSeconds.toFixed(1)} s for ds setup ${r.store} + the first ds sync`,
  );
  return [
    `swamp scale benchmark: one model of ${r.records} records in a namespace on ${r.store === "s3" ? "moto" : "the GCS test server"}, behind a counting proxy`,
    `machine: ${r.cpus} CPUs, load average ${r.loadAverage.start.toFixed(2)} at start, ${r.loadAverage.end.toFixed(2)} at end; the run took ${(r.elapsedSeconds / 60).toFixed(1)} min`,
    ...seeding,
    "",
    table(
      ["operation", "wall", "CPU", "requests", "_index/ up", "catalog export up", "aim"],
      rows,
      new Set([1, 2, 3, 4, 5]),
    ),
    "",
    "requests of the last put:",
    ...put.log.map((line) => `  ${line}`),
  ].join("\n");
}
