/** Facts about the running process and its machine, as a port so core stays pure. */
export interface Host {
  hostname: string;
  pid: number;
  user: string;
  /** Whether a process with this pid is alive on this host. */
  isPidAlive(pid: number): boolean;
  /** A fresh random UUID. */
  uuid(): string;
}
