// Builds a benchmark repo: real model definitions through the binary, bulk records in-process.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { FsDataRepository } from "../adapters/fs/fs-data-repository.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import type { ModelDefinition } from "../core/data-record.ts";
import { capture, cleanEnv } from "./measure.ts";

export const MODEL_COUNT = 100;
const MODEL_TYPES = ["aws/ec2/vpc", "aws/ec2/subnet", "gcp/compute/network", "net/dns/zone"];
const TEAMS = ["net", "platform", "data", "edge", "security"];
/** Writers in flight while bulk-seeding: the disk, not the event loop, should be the limit. */
const WRITE_CONCURRENCY = 32;
/** `data put` processes in flight while creating the models (one per CPU is plenty). */
const PUT_CONCURRENCY = 4;

export interface SeededRepo {
  dir: string;
  /** Records written in bulk; each model also holds one `seed` record from `data put`. */
  records: number;
  models: ModelDefinition[];
  /** Seconds spent creating the models with `data put`, and writing the bulk records. */
  modelSeconds: number;
  recordSeconds: number;
}

export const modelName = (k: number) => `m${k}`;
export const recordName = (j: number) => `rec-${j}`;

/** Latest records in a seeded repo: the bulk ones plus one `seed` per model. */
export const latestCount = (records: number) => records + MODEL_COUNT;

/** Runs `fn(0…count-1)` with at most `concurrency` calls in flight. */
export async function forEachConcurrent(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await fn(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** One model per `data put --model-type`, so each definition is what a user would have. */
async function createModels(binary: string, dir: string): Promise<ModelDefinition[]> {
  const models: ModelDefinition[] = [];
  await forEachConcurrent(MODEL_COUNT, PUT_CONCURRENCY, async (k) => {
    const argv = [binary, "data", "put", modelName(k), "seed", "--json"];
    argv.push("--model-type", MODEL_TYPES[k % MODEL_TYPES.length] as string);
    argv.push("--value", JSON.stringify({ seed: k }), "--tag", "env=prod", "--tag", "team=net");
    const proc = Bun.spawn(argv, { cwd: dir, env: cleanEnv, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) throw new Error(`'${argv.join(" ")}' exited ${code}:\n${stderr}`);
    const put = JSON.parse(stdout) as { modelId: string; modelName: string; modelType: string };
    models[k] = { type: put.modelType, id: put.modelId, name: put.modelName };
  });
  return models;
}

/** Record `i` goes to model `i % 100` under name `rec-{i / 100}`: N/100 names per model, one version each. */
async function writeRecords(dir: string, models: ModelDefinition[], records: number): Promise<void> {
  const repo = new FsDataRepository(join(dir, ".swamp"), { clock: systemClock, host: systemHost() });
  const encoder = new TextEncoder();
  await forEachConcurrent(records, WRITE_CONCURRENCY, async (i) => {
    const model = models[i % MODEL_COUNT] as ModelDefinition;
    const name = recordName(Math.floor(i / MODEL_COUNT));
    const env = i % 2 === 0 ? "prod" : "dev";
    const body = { i, env, cidr: `10.${(i >> 8) & 255}.${i & 255}.0/24` };
    await repo.write(model, name, encoder.encode(JSON.stringify(body)), {
      contentType: "application/json",
      lifetime: "infinite",
      garbageCollection: 10,
      streaming: false,
      tags: { type: "resource", specName: name, modelName: model.name, env, team: TEAMS[i % TEAMS.length] },
      ownerDefinition: { ownerType: "manual", ownerRef: `cli:${model.name}` },
    });
  });
}

/** A fresh repo in `dir` with `records` bulk records over 100 models. */
export async function seedRepo(binary: string, dir: string, records: number): Promise<SeededRepo> {
  mkdirSync(dir, { recursive: true });
  capture({ argv: [binary, "repo", "init"], cwd: dir });
  let started = performance.now();
  const models = await createModels(binary, dir);
  const modelSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await writeRecords(dir, models, records);
  const recordSeconds = (performance.now() - started) / 1000;
  return { dir, records, models, modelSeconds, recordSeconds };
}
