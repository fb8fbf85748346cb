import { FsObjectStore } from "../../adapters/fs/fs-object-store.ts";
import { findTempEntries } from "../../adapters/fs/temp-entries.ts";
import { surveyBucket } from "../../adapters/sync/bucket-survey.ts";
import { cacheFindings } from "../../core/doctor/cache-findings.ts";
import { checkCatalog } from "../../core/doctor/catalog-check.ts";
import { checkFailedFinding } from "../../core/doctor/check-failed.ts";
import { type CheckName, type CheckReport, checkReport, type Finding } from "../../core/doctor/finding.ts";
import { indexFindings } from "../../core/doctor/index-findings.ts";
import { leaseFindings } from "../../core/doctor/lease-findings.ts";
import { leftoverFindings } from "../../core/doctor/leftover-findings.ts";
import { namespaceFindings, type RootDataSurvey } from "../../core/doctor/namespace-findings.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import type { CacheInspection } from "../../core/ports/sync-service.ts";
import { findMisplaced, findRootData } from "../../core/use-cases/namespace-survey.ts";
import type { RepoContext } from "../context.ts";
import type { RemoteSession } from "../remote-session.ts";

/** The deadline of one doctor run: every store call gets its signal. */
export interface Deadline {
  signal: AbortSignal;
  seconds: number;
}

/**
 * One pass of every check over this repo's datastore (docs/architecture.md, "Doctor"): leases,
 * then for a bucket the index against the store and the cache against the index, or for a
 * filesystem datastore its leftovers, and the catalog. Reads only (the catalog catches up with
 * the change log first, as every read does).
 */
export class DoctorChecks {
  #cache?: Promise<CacheInspection>;

  constructor(
    private readonly ctx: RepoContext,
    private readonly deadline: Deadline,
    private readonly graceMs: number,
  ) {}

  async run(): Promise<CheckReport[]> {
    const remote = await this.ctx.remote();
    type Check = [CheckName, () => Promise<Finding[]>];
    const store: Check[] = remote
      ? [
          ["index", () => this.index(remote)],
          ["cache", () => this.cache(remote)],
        ]
      : [["leftovers", () => this.leftovers()]];
    const checks: Check[] = [
      ["leases", () => this.leases()],
      ...store,
      ["namespaces", () => this.namespaces(remote)],
      ["catalog", () => this.catalog()],
    ];
    return Promise.all(checks.map(([check, find]) => this.#guarded(check, find)));
  }

  async leases(): Promise<Finding[]> {
    const locks = await this.ctx.locks();
    return leaseFindings(this.ctx.namespace, await locks.inspectAll(this.deadline.signal));
  }

  /** The store against its index; `signal` narrows the deadline (a repair's lease). */
  async index(remote: RemoteSession, signal = this.deadline.signal): Promise<Finding[]> {
    const cache = await this.#inspection(remote);
    const survey = await surveyBucket(remote.store, remote.prefix, signal);
    return indexFindings({
      prefix: remote.prefix,
      ...survey,
      known: cache.known,
      graceMs: this.graceMs,
      cacheHolds: (rel, sha256) => cache.files.get(rel) === sha256,
    });
  }

  async cache(remote: RemoteSession): Promise<Finding[]> {
    return [...cacheFindings(await this.#inspection(remote)), ...(await this.leftovers())];
  }

  async leftovers(): Promise<Finding[]> {
    const entries = await findTempEntries(this.ctx.datastoreBase, this.deadline.signal);
    return leftoverFindings(entries, this.ctx.clock.now(), this.graceMs);
  }

  /**
   * Root data a namespaced repo has not migrated (in a folder datastore, or a bucket and its
   * cache), and objects under a namespace's prefix that are not its own.
   */
  async namespaces(remote: RemoteSession | null): Promise<Finding[]> {
    const store = await this.ctx.store();
    // The bucket as people name it (`s3://bucket/prefix`), to build object paths in the fixes.
    const location = remote ? store.description.replace(/ \(endpoint .*\)$/, "") : this.ctx.datastoreBase;
    const roots: Promise<RootDataSurvey>[] = remote
      ? [
          this.#rootData("bucket", location, store),
          this.#rootData(
            "cache",
            this.ctx.datastoreBase,
            new FsObjectStore(this.ctx.datastoreBase, this.ctx.clock),
          ),
        ]
      : [this.#rootData("datastore", this.ctx.datastoreBase, store)];
    return namespaceFindings({
      namespace: this.ctx.namespace,
      roots: await Promise.all(roots),
      misplaced: await findMisplaced(store, this.ctx.namespace, this.deadline.signal),
      location,
    });
  }

  async #rootData(
    where: RootDataSurvey["where"],
    location: string,
    store: ObjectStore,
  ): Promise<RootDataSurvey> {
    return { where, location, folders: await findRootData(store, this.ctx.resolver, this.deadline.signal) };
  }

  async catalog(): Promise<Finding[]> {
    return checkCatalog(this.ctx.data(), await this.ctx.catalog(), this.ctx.namespace);
  }

  /** Hashed once per pass: both the index and the cache checks read it. */
  #inspection(remote: RemoteSession): Promise<CacheInspection> {
    this.#cache ??= remote.sync.inspectCache(this.deadline.signal);
    return this.#cache;
  }

  async #guarded(check: CheckName, find: () => Promise<Finding[]>): Promise<CheckReport> {
    try {
      return checkReport(check, await find());
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/\.+$/, "") : String(error);
      const timedOut = this.deadline.signal.aborted ? this.deadline.seconds : null;
      return checkReport(check, [checkFailedFinding(check, reason, timedOut)]);
    }
  }
}
