import { afterAll, beforeAll } from "bun:test";

/** The fields of a store's config that the fixture fills in. */
interface OnBucket {
  bucket: string;
  prefix?: string;
}

/** One bucket on a test server that a test file starts for itself. */
export interface BucketFixture<Server, Store, Config extends OnBucket> {
  /** The running server; throws before `beforeAll` has started it (at module level). */
  server(): Server;
  /** The server's `http://127.0.0.1:PORT`. */
  endpoint(): string;
  readonly bucket: string;
  /** A prefix no other store of this file was given. */
  freshPrefix(): string;
  /** A store on the bucket under a fresh prefix; `config` overrides any field. */
  store(config?: Partial<Config>): Store;
}

export interface BucketFixtureSpec<Server, Store, Config extends OnBucket> {
  start(): Promise<Server & { stop(): Promise<void> }>;
  endpointOf(server: Server): string;
  createBucket(endpoint: string, bucket: string): Promise<void>;
  open(endpoint: string, config: Partial<Config> & Required<OnBucket>): Store;
}

/**
 * Starts the server and creates the bucket in `beforeAll`, stops the server in `afterAll`.
 * Each test takes its own prefix in the one bucket: cheaper than wiping the server between tests.
 */
export function bucketFixture<Server, Store, Config extends OnBucket>(
  spec: BucketFixtureSpec<Server, Store, Config>,
): BucketFixture<Server, Store, Config> {
  const bucket = "swamp-test";
  let running: (Server & { stop(): Promise<void> }) | undefined;
  let prefixes = 0;
  beforeAll(async () => {
    running = await spec.start();
    await spec.createBucket(spec.endpointOf(running), bucket);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const server = () => {
    if (!running)
      throw new Error("the test server is not running yet: use the fixture inside tests and hooks");
    return running;
  };
  const endpoint = () => spec.endpointOf(server());
  const freshPrefix = () => `t${++prefixes}`;
  return {
    server,
    endpoint,
    bucket,
    freshPrefix,
    store: (config = {}) =>
      spec.open(endpoint(), { bucket, ...config, prefix: config.prefix ?? freshPrefix() }),
  };
}
