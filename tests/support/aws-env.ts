import { afterEach, beforeEach } from "bun:test";

/**
 * For each test of the file: every AWS_* variable is cleared (no shared config file, instance
 * metadata off), so only what the test sets can give a region or credentials; the developer's
 * variables are restored after.
 */
export function isolateAwsEnv(): void {
  let saved: Record<string, string | undefined> = {};
  const awsNames = () => Object.keys(process.env).filter((name) => name.startsWith("AWS_"));
  beforeEach(() => {
    saved = Object.fromEntries(awsNames().map((name) => [name, process.env[name]]));
    for (const name of awsNames()) delete process.env[name];
    process.env.AWS_CONFIG_FILE = "/nonexistent/swamp-test-aws-config";
    process.env.AWS_EC2_METADATA_DISABLED = "true";
  });
  afterEach(() => {
    for (const name of awsNames()) delete process.env[name];
    Object.assign(process.env, saved);
  });
}
