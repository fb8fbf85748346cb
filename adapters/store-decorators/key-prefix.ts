/**
 * Maps a store's relative keys to a bucket's object names under `{prefix}/` and back, for
 * the bucket-backed stores (S3, GCS). An empty prefix means the bucket's root.
 */
export class KeyPrefix {
  readonly root: string;

  constructor(prefix = "") {
    this.root = prefix.replace(/^\/+|\/+$/g, "");
  }

  toRemote(key: string): string {
    return this.root ? `${this.root}/${key}` : key;
  }

  fromRemote(name: string): string {
    return this.root ? name.slice(this.root.length + 1) : name;
  }
}
